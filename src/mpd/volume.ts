// MPD's volume is a percentage; Auris's is a level in dB (-120..0, 0 = no volume stage, bit-perfect).
// The mapping is linear in dB over the useful range: 100 % = 0 dB, each percent 0.6 dB, so 50 % is
// -30 dB and 1 % is -59.4 dB; 0 % is -120 dB, the quietest level. It round-trips exactly: setvol N
// then getvol answers N.

const DB_PER_PERCENT = 0.6;
export const MIN_DB = -120;

export function percentToDb(percent: number): number {
  if (percent <= 0) return MIN_DB;
  return Math.round((percent - 100) * DB_PER_PERCENT * 1000) / 1000;
}

export function dbToPercent(db: number): number {
  if (db <= MIN_DB) return 0;
  return Math.max(0, Math.min(100, Math.round(100 + db / DB_PER_PERCENT)));
}
