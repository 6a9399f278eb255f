/**
 * `yaml` parse options for a generated promtool test file. The file writes each repeated list of
 * expected alerts once with an anchor and then as aliases of it; the `yaml` library refuses more
 * than 100 aliases by default (a guard against alias bombs in untrusted text), and a generated
 * file has hundreds. These files are our own output, so aliases are not limited.
 */
export const TEST_FILE_PARSE = { maxAliasCount: -1 } as const;
