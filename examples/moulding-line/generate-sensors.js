// Regenerates sensors.csv, the demo line's historian export (deterministic: fixed seed).
// IMM-01 runs polypropylene housings; two planted excursions drive the defects the facts should find:
// melt temperature above its 220-250 degC window (rows 120-139: burn marks) and hold pressure below
// 400 bar (rows 200-214: short shots). A few malformed rows follow the export glitches seen in practice.
// Usage: node examples/moulding-line/generate-sensors.js > examples/moulding-line/sensors.csv
let seed = 20260302;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const pad = (n) => String(n).padStart(2, '0');
const t0 = Date.UTC(2026, 2, 2, 0, 0, 0); // local plant time is written with an explicit +08:00 offset
const lines = ['timestamp,machine,melt_temp (degC),mold_temp (degC),injection_pressure (bar),hold_pressure (bar),cycle_time (s),quality,defect,operator'];
for (let i = 0; i < 300; i++) {
  const t = new Date(t0 + 8 * 3600e3 + i * 30e3);
  const ts = `2026-03-02T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}+08:00`;
  const hot = i >= 120 && i < 140;
  const lowHold = i >= 200 && i < 215;
  const melt = hot ? 253 + 3 * rnd() : 236 + 4 * gauss();
  const mold = 45 + 3 * gauss();
  const inj = 950 + 40 * gauss();
  const hold = lowHold ? 330 + 40 * rnd() : 480 + 25 * gauss();
  const cycle = 30 + 1.2 * gauss();
  let defect = '';
  if (hot && rnd() < 0.6) defect = 'burn_marks';
  else if (lowHold && rnd() < 0.55) defect = 'short_shot';
  else if (rnd() < 0.03) defect = 'flash';
  const operator = i < 180 ? 'Zhang Wei (E10234)' : '李娜 (E10871)';
  lines.push([ts, 'IMM-01', melt.toFixed(1), mold.toFixed(1), inj.toFixed(0), hold.toFixed(0), cycle.toFixed(2),
    defect ? 'NG' : 'OK', defect, operator].join(','));
}
// malformed rows, as historian exports produce them
lines.splice(51, 0, '2026-03-02T08:25:15+08:00,IMM-01,237.9,44.8,951');                      // truncated row
lines.splice(96, 0, '2026-03-02T08:47:40+08:00,IMM-01,###,46.1,948,476,29.87,OK,,Zhang Wei (E10234)'); // sensor error marker
lines.splice(251, 0, '02/03/2026 10:04,IMM-01,235.2,45.0,960,482,30.10,OK,,李娜 (E10871)');      // wrong timestamp format
process.stdout.write(lines.join('\n') + '\n');
