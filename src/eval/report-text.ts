// The evaluation for a person: a few sentences and aligned plain-text tables.
import type { EvalReport } from './types';

export function evalReportText(r: EvalReport): string {
  const s = r.scenario;
  const o = r.overall;
  const out: string[] = [];
  out.push(
    `Scenario seed ${s.seed} (${s.api}): ${plural(s.attacks, 'attack')}, ${plural(s.actors, 'actor')}, ${count(s.benignRequests)} benign requests, ${utc(s.start)} to ${utc(s.end)}`,
  );
  out.push(`Replayed ${plural(r.replay.files.length, 'file')}: ${count(r.replay.packets)} packets, ${count(r.replay.transactions)} transactions, ${plural(r.replay.alerts, 'alert')} (${plural(r.replay.findings, 'finding')})`);
  out.push(
    `An alert detects an attack when its client IP or identity is the attack's and it was raised from ${duration(r.matching.slackBeforeSec)} before the start to ${duration(r.matching.slackAfterSec)} after the end.`,
  );
  out.push('');
  const ttd = o.medianTimeToDetectSec === null ? '' : `, median time to detect ${duration(o.medianTimeToDetectSec)}`;
  const precision = o.precision === null ? 'no alert with a client or identity' : `precision ${percent(o.precision)} (${o.trueAlerts} true, ${o.falseAlerts} false alerts)`;
  const unattributable = o.unattributable > 0 ? `, ${plural(o.unattributable, 'alert')} without client or identity` : '';
  out.push(
    `Overall: ${o.detected} of ${plural(o.attacks, 'attack')} detected (recall ${percent(o.recall)})${ttd}; ${precision}${unattributable}; ` +
      `${perMillion(o.falseAlertsPerMillionBenign)} false alerts per million benign requests.`,
  );
  out.push('Precision is on alerts: a deduplicated alert counts once, whatever the findings folded into it; alerts without client or identity cannot match an attack and are left out.');
  out.push(`Explained: ${o.explainedAlerts} of ${plural(o.alerts, 'alert')} have at least two explanation factors with a baseline.`);

  if (r.attackTypes.length > 0) {
    out.push('', 'By attack type');
    out.push(
      ...columns([
        ['type', 'attacks', 'detected', 'recall', 'median time to detect'],
        ...r.attackTypes.map((t) => [t.type, String(t.attacks), String(t.detected), percent(t.recall), durationOrDash(t.medianTimeToDetectSec)]),
      ]),
    );
  }

  out.push('', 'By detector');
  if (r.detectors.length === 0) out.push('  no alerts');
  else {
    out.push(
      ...columns([
        ['detector', 'alerts', 'findings', 'true', 'false', 'no actor', 'precision', 'false/1M benign', 'attacks', 'explained'],
        ...r.detectors.map((d) => [
          d.detector,
          String(d.alerts),
          String(d.findings),
          String(d.trueAlerts),
          String(d.falseAlerts),
          String(d.unattributable),
          percent(d.precision),
          perMillion(d.falseAlertsPerMillionBenign),
          String(d.attacksDetected),
          `${d.explainedAlerts}/${d.alerts}`,
        ]),
      ]),
    );
  }

  if (r.attacks.length > 0) {
    out.push('', 'Attacks');
    out.push(
      ...columns([
        ['attack', 'type', 'start', 'detected', 'by', 'time to detect', 'alerts'],
        ...r.attacks.map((a) => [a.id, a.type, utc(a.start), a.detected ? 'yes' : 'no', a.detectors.join(',') || '-', durationOrDash(a.timeToDetectSec), String(a.alerts)]),
      ]),
    );
  }

  out.push('', attributionLine(r));
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n') + '\n';
}

function attributionLine(r: EvalReport): string {
  const a = r.attribution;
  if (!a.available) return 'Identity attribution: not available (no transaction had a resolved identity: no identity stage ran).';
  if (a.credentialedRequests === 0) return 'Identity attribution: no benign request of the scenario carries a credential.';
  const shared = a.sharedIdentities > 0 ? `; ${plural(a.sharedIdentities, 'identity')} shared by several actors` : '';
  return (
    `Identity attribution: ${count(a.consistentRequests)} of ${count(a.credentialedRequests)} credentialed benign requests (${a.share !== null && a.share < 1 && a.share >= 0.9995 ? '99.9+%' : percent(a.share)}) resolved to their actor's own identity ` +
    `(${count(a.matchedRequests)} found in the traffic, ${plural(a.actors, 'actor')}${shared}).`
  );
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => ('  ' + row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).trimEnd());
}

function percent(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(1)}%`;
}

function perMillion(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

function durationOrDash(sec: number | null): string {
  return sec === null ? '-' : duration(sec);
}

function duration(sec: number): string {
  const abs = Math.abs(sec);
  if (abs < 120) return `${Number(sec.toFixed(1))} s`;
  if (abs < 7200) return `${(sec / 60).toFixed(1)} min`;
  return `${(sec / 3600).toFixed(1)} h`;
}

function utc(sec: number): string {
  return Number.isFinite(sec) ? new Date(sec * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  if (n === 1) return `1 ${word}`;
  return `${count(n)} ${word.endsWith('y') ? word.slice(0, -1) + 'ies' : word + 's'}`;
}
