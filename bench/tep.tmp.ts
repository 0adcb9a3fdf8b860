import { detect } from './tepDetection';
import { DEFAULT_SERIES_OPTIONS } from '../activities/parse/series/segmentSeries';
(async () => {
  const { events } = await detect('d00_te.dat', DEFAULT_SERIES_OPTIONS);
  const c = new Map<string, number>();
  for (const e of events) if (e.kind === 'change') c.set(`${e.tag} ${e.change}`, (c.get(`${e.tag} ${e.change}`) ?? 0) + 1);
  console.log([...c.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15));
  const ex = events.filter((e) => e.kind === 'change' && e.tag === [...c.entries()].sort((a, b) => b[1] - a[1])[0][0].split(' ')[0]).slice(0, 4);
  console.log(JSON.stringify(ex, null, 0));
})();
