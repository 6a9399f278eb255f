/** Grafana UIDs: at most 40 characters of letters, digits, `-` and `_` (Grafana's own limit). */
const UID_RE = /^[A-Za-z0-9_-]{1,40}$/;

/** Throws when `uid` is not a valid Grafana UID, naming what it identifies. */
export function assertGrafanaUid(what: string, uid: string): void {
  if (!UID_RE.test(uid)) {
    throw new Error(`${what} uid ${JSON.stringify(uid)} must be 1–40 characters of letters, digits, "-" and "_"`);
  }
}
