/**
 * Jest setup, run in each test file's context before the file (`setupFilesAfterEnv`: after jest
 * has installed source-map-support there, which it does after `setupFiles`): stack traces captured
 * on plain objects skip source mapping.
 *
 * Jest installs source-map-support in every test context, so each `.stack` is formatted through
 * `Error.prepareStackTrace`, which maps every frame to its original position, parsing the inline
 * source map of every file on the stack first. cdktf captures a full-depth stack on a plain
 * object (`Error.captureStackTrace({ stack: '' })`) for every token it creates, only to name
 * where a token came from should it fail to resolve: about a quarter of the CPU of a suite that
 * synthesizes stacks went into mapping those frames (profiled: tests/stacks/app.test.ts). Such
 * captures are formatted as V8 formats them without source maps (file and line of the JavaScript
 * that ran); errors (anything `instanceof Error`) keep the mapped trace a failing test prints.
 */
'use strict';

const mapped = Error.prepareStackTrace;
if (typeof mapped === 'function') {
  Error.prepareStackTrace = function prepareStackTrace(target, callSites) {
    if (target instanceof Error) return mapped(target, callSites);
    return ['Object', ...callSites.map((site) => `    at ${site}`)].join('\n');
  };
}
