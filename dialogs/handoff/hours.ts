/** One opening window: days of the week (0 = Sunday … 6 = Saturday) and minutes since midnight, local time. */
export interface OpeningWindow {
  days: number[];
  /** Opening and closing minute of the day (closing is exclusive). */
  from: number;
  to: number;
}

/** Business hours in a time zone; with no windows the desk is always open. */
export interface BusinessHours {
  timezone: string;
  windows: OpeningWindow[];
  /** The specification as written (shown to customers). */
  text: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function dayIndex(name: string): number {
  const index = DAYS.indexOf(name.slice(0, 3).toLowerCase());
  if (index < 0) throw new Error(`unknown day "${name}" (use Mon, Tue, … Sun)`);
  return index;
}

function minuteOf(time: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!match) throw new Error(`bad time "${time}" (use HH:MM)`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > 24 * 60) throw new Error(`bad time "${time}"`);
  return minutes;
}

/**
 * Parses business hours such as `Mon-Fri 09:00-18:00; Sat 10:00-14:00` (days as ranges or comma lists, `;`
 * between windows) in an IANA time zone (`Europe/Paris`). An empty specification means always open. Throws an
 * `Error` naming the bad part.
 */
export function parseBusinessHours(spec: string, timezone = 'UTC'): BusinessHours {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new Error(`unknown time zone "${timezone}"`);
  }
  const windows: OpeningWindow[] = [];
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z,\s-]+?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!match) throw new Error(`bad business hours "${part}" (e.g. "Mon-Fri 09:00-18:00")`);
    const days = new Set<number>();
    for (const group of (match[1] as string).split(',').map((g) => g.trim()).filter(Boolean)) {
      const [first, last] = group.split('-').map((d) => d.trim());
      const start = dayIndex(first as string);
      const end = last ? dayIndex(last) : start;
      for (let d = start; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === end) break;
      }
    }
    const from = minuteOf(match[2] as string);
    const to = minuteOf(match[3] as string);
    if (to <= from) throw new Error(`business hours "${part}" close before they open`);
    windows.push({ days: [...days].sort(), from, to });
  }
  return { timezone, windows, text: spec.trim() };
}

/** Day of week and minute of day of `at` in `timezone`. */
function localTime(at: Date, timezone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: dayIndex(get('weekday')), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** True when `at` falls in an opening window (always true without windows). Pure. */
export function isOpen(hours: BusinessHours | undefined, at: Date): boolean {
  if (!hours || hours.windows.length === 0) return true;
  const { day, minute } = localTime(at, hours.timezone);
  return hours.windows.some((w) => w.days.includes(day) && minute >= w.from && minute < w.to);
}
