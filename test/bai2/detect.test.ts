// How an upload without `format` is recognized as BAI2: content type, extension (gzip suffix ignored),
// then the content's leading 01 record, with or without a byte order mark. Nothing else is taken for BAI2.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectFormat } from '../../src/uploads/detect-format.js';

const HEAD = Buffer.from('01,122099999,123456789,040621,0200,1,80,,2/\n');

describe('BAI2 format detection', () => {
  test('by content type, extension and content', () => {
    assert.equal(detectFormat(undefined, 'application/x-bai2', null, Buffer.from('anything')), 'bai2');
    assert.equal(detectFormat(undefined, 'application/octet-stream', 'statement.BAI', Buffer.from('x')), 'bai2');
    assert.equal(detectFormat(undefined, undefined, 'statement.bai2.gz', Buffer.from('x')), 'bai2');
    assert.equal(detectFormat(undefined, 'text/plain', null, HEAD), 'bai2');
    assert.equal(detectFormat(undefined, 'text/plain', null, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), HEAD])), 'bai2');
  });

  test('the explicit format, CSV and NACHA keep their precedence', () => {
    assert.equal(detectFormat('csv', undefined, null, HEAD), 'csv');
    assert.equal(detectFormat(undefined, 'text/csv', null, HEAD), 'csv');
    assert.equal(detectFormat(undefined, undefined, 'export.csv', HEAD), 'csv');
    assert.equal(detectFormat(undefined, undefined, null, Buffer.from('101 231380104 121042882')), 'nacha');
    assert.equal(detectFormat(undefined, undefined, null, Buffer.from('01/02/2024,12.00,coffee\n')), 'csv');
    assert.equal(detectFormat(undefined, undefined, null, Buffer.from('010,amount\n')), 'csv');
  });
});
