/**
 * A copy of the bundled catalog in which the api/availability SLO pages on burn rate again. The
 * shipped spec turns that page off (its health probes are too few to page on, docs/alerting.md),
 * but it is still the Workbook's worked example — a 99.9 %/30 d SLO — so the tests that check the
 * page arithmetic against that example give themselves one explicitly instead of weakening it.
 * The copy drops the spec's `sli.expectedEventsPerHour` too: at 36 probes an hour `slo validate`
 * rejects the page, which is the point of the shipped spec's choice.
 */
import { parseDocument } from 'yaml';
import { buildCatalog } from '../../../slos/catalog';
import { readSpecDir } from '../../../slos/load';
import type { Slo, SloCatalog } from '../../../slos/model';

/** The id of the SLO whose page this copy turns back on. */
export const AVAILABILITY_ID = 'api/availability';

/** The bundled specs of `slosDir`, with the page of api/availability enabled. */
export function pagingCatalog(slosDir = 'slos'): SloCatalog {
  const dir = readSpecDir(slosDir);
  if (dir.problems.length > 0) throw new Error(`bundled specs do not load: ${JSON.stringify(dir.problems)}`);
  const [service, name] = AVAILABILITY_ID.split('/');
  let changed = 0;
  const files = dir.files.map((f) => {
    if (!('text' in f)) return f;
    const doc = parseDocument(f.text);
    if (doc.get('service') !== service) return f;
    const slos = doc.toJS().slos as { name: string }[];
    const index = slos.findIndex((s) => s.name === name);
    if (index < 0) return f;
    doc.setIn(['slos', index, 'alerting', 'page', 'enabled'], true);
    // the page is rejected at the probes' expected 36 events an hour (one failed probe would page):
    // the copy stands for the Workbook's example, an SLI with plenty of events
    doc.deleteIn(['slos', index, 'sli', 'expectedEventsPerHour']);
    changed++;
    return { ...f, text: doc.toString() };
  });
  if (changed !== 1) throw new Error(`no spec of ${AVAILABILITY_ID}`);
  const { catalog, problems } = buildCatalog(files);
  if (!catalog) throw new Error(`paging copy does not load: ${JSON.stringify(problems)}`);
  return catalog;
}

/** The api/availability SLO of `pagingCatalog()`: a 99.9 %/30 d SLO with every burn-rate window. */
export function pagingAvailability(catalog: SloCatalog = pagingCatalog()): Slo {
  const slo = catalog.slos.find((s) => s.id === AVAILABILITY_ID);
  if (!slo || !slo.alerting.windows.some((w) => w.kind === 'page')) throw new Error(`${AVAILABILITY_ID} does not page in the copy`);
  return slo;
}
