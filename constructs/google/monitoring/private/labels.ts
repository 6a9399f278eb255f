/**
 * The user-label rule the Monitoring API applies to alert policies, notification channels, uptime
 * checks, services and SLOs (provider doc comment of `user_labels`: at most 64 entries; keys and
 * values of lowercase letters, numerals, underscores and dashes, at most 63 characters; keys begin
 * with a letter).
 */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Problems with a set of user labels (empty when the API accepts them). */
export function userLabelProblems(labels: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(labels);
  const problems: string[] = [];
  if (entries.length > 64) problems.push(`at most 64 user labels, got ${entries.length}`);
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v))
      problems.push(`user label ${k}=${v} is not lowercase letters, digits, _ and - (63 at most)`);
  }
  return problems;
}
