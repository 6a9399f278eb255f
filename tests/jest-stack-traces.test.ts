/**
 * The jest harness (jest.stack-traces.js): an error's stack still names the TypeScript line a
 * failing test should point at, while a stack captured on a plain object (as cdktf does for every
 * token) is formatted without source maps, at the line of the JavaScript jest ran.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The jest transform (plain CommonJS, untyped). */
const transform = createRequire(__filename)('../jest.transform.js') as { process(source: string, filename: string): { code: string } };

/** The line of the first frame in `stack` that is in this file. */
const lineInThisFile = (stack: string): number => Number(new RegExp(`${__filename.replace(/\W/g, '\\$&')}:(\\d+):\\d+`).exec(stack)?.[1]);
/** The 1-based line of the first line of `text` that includes `needle`. */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function errorStack(): string {
  return new Error('mapped').stack!;
}

function plainObjectStack(): string {
  const target = { stack: '' };
  Error.captureStackTrace(target);
  return target.stack;
}

test('an error names the TypeScript line; a capture on a plain object names the line of the JavaScript that ran', () => {
  // given this file's TypeScript and the JavaScript jest runs for it
  const source = readFileSync(__filename, 'utf8');
  const { code } = transform.process(source, __filename);
  // when
  const mapped = lineInThisFile(errorStack());
  const plain = lineInThisFile(plainObjectStack());
  // then
  expect(mapped).toBe(lineOf(source, "new Error('mapped')"));
  expect(plain).toBe(lineOf(code, 'Error.captureStackTrace(target)'));
  expect(plain).not.toBe(lineOf(source, 'Error.captureStackTrace(target)'));
});
