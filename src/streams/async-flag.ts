import { AppError } from '../errors/app-error.js';

const VALUES = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
]);

/**
 * `async` for DELETE /data_streams/{key} (SPEC 25): the query parameter the contract documents ("true" or
 * "false"), or the same in a JSON body, as a boolean or that text. Nothing else is guessed at ("1", "yes",
 * "TRUE" answer 422): a client that meant async and got a sync 204 or 409 would be surprised either way.
 */
export function asyncFlag(query: unknown, body: unknown): boolean {
  const fromQuery = parse(query);
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new AppError('validation_failed', 'The request body, when there is one, must be a JSON object such as {"async": true}.');
  }
  const fromBody = parse(body === null || body === undefined ? undefined : (body as { async?: unknown }).async);
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw new AppError('invalid_async', 'async is given twice, in the query and in the body, with different values.');
  }
  return fromQuery ?? fromBody ?? false;
}

function parse(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  const flag = VALUES.get(value);
  if (flag === undefined) throw new AppError('invalid_async');
  return flag;
}
