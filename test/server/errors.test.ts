// The error catalog: every code of src/util/errors.ts has one HTTP status, and a core error reaches
// the client as that status with its code, words and details.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AurisError, ERROR_CODES, type ErrorCode } from '../../src/util/errors.ts';
import { HTTP_STATUS, errorReply, statusOf } from '../../src/server/errors.ts';

test('every error code has a 4xx or 5xx status, and the table names no other code', () => {
  assert.deepEqual(Object.keys(HTTP_STATUS).sort(), Object.keys(ERROR_CODES).sort());
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const status = HTTP_STATUS[code];
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`);
    const { status: answered, body } = errorReply(new AurisError(code, `words for ${code}`, { accepted: ['S24_3LE'] }));
    assert.equal(answered, status);
    assert.deepEqual(body, { error: { code, message: `words for ${code}`, details: { accepted: ['S24_3LE'] } } });
  }
  // a client's mistake is 4xx; the machine's or Auris's trouble is 5xx
  assert.equal(statusOf('E_INVALID_ARGUMENT'), 400);
  assert.equal(statusOf('E_NOT_FOUND'), 404);
  assert.equal(statusOf('E_UNAUTHORIZED'), 401);
  assert.equal(statusOf('E_INTERNAL'), 500);
  assert.equal(statusOf('E_FROM_A_NEWER_CORE'), 500);
});

test('anything else thrown becomes E_INTERNAL (500) or the I/O code of its errno, never a bare stack', () => {
  const bug = errorReply(new TypeError('x is undefined'));
  assert.equal(bug.status, 500);
  assert.equal(bug.body.error.code, 'E_INTERNAL');
  const missing = errorReply(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'E_NOT_FOUND');
  const tooLarge = errorReply(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }));
  assert.equal(tooLarge.status, 413);
  assert.equal(tooLarge.body.error.code, 'E_INVALID_ARGUMENT');
});
