/**
 * Severity levels as logs write them, normalised where the meaning is known: full words in any case
 * (WARNING, Err, crit), one-letter Android/glog levels (V D I W E F A), syslog priorities 0-7 and their
 * keywords. A level is free text: anything else is kept as written (upper-cased), never a reason to reject a line.
 */
const LEVELS: Record<string, string> = {
  TRACE: 'TRACE',
  FINEST: 'TRACE',
  FINER: 'TRACE',
  VERBOSE: 'TRACE',
  V: 'TRACE',
  DEBUG: 'DEBUG',
  FINE: 'DEBUG',
  D: 'DEBUG',
  DBG: 'DEBUG',
  '7': 'DEBUG',
  INFO: 'INFO',
  INFORMATION: 'INFO',
  INFORMATIONAL: 'INFO',
  I: 'INFO',
  INF: 'INFO',
  CONFIG: 'INFO',
  '6': 'INFO',
  NOTICE: 'NOTICE',
  N: 'NOTICE',
  '5': 'NOTICE',
  WARN: 'WARN',
  WARNING: 'WARN',
  W: 'WARN',
  WRN: 'WARN',
  '4': 'WARN',
  ERROR: 'ERROR',
  ERR: 'ERROR',
  E: 'ERROR',
  SEVERE: 'ERROR',
  FAILURE: 'ERROR',
  '3': 'ERROR',
  CRITICAL: 'CRITICAL',
  CRIT: 'CRITICAL',
  C: 'CRITICAL',
  '2': 'CRITICAL',
  ALERT: 'ALERT',
  A: 'ALERT',
  ALARM: 'ALARM',
  '1': 'ALERT',
  FATAL: 'FATAL',
  F: 'FATAL',
  EMERG: 'FATAL',
  EMERGENCY: 'FATAL',
  PANIC: 'FATAL',
  '0': 'FATAL',
};

export function normaliseLevel(text: string): string {
  const t = text
    .trim()
    .replace(/^[[(<]|[\])>:]$/g, '')
    .toUpperCase();
  return LEVELS[t] ?? (t || 'INFO');
}
