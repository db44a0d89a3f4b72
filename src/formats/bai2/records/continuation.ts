// 88 Continuation: continues the record before it (any record type, and further 88s). Its fields go on
// where the continued record's last field stopped; for a transaction detail whose text has begun, the 88
// continues the text.

import type { Layout } from '../layout.js';

export const CONTINUATION: Layout = {
  code: '88',
  title: '88 Continuation',
  fields: [{ name: 'next_field', presence: 'repeating', description: 'The continued record\'s next fields, or more of a 16\'s text (joined to it with one space)' }],
};
