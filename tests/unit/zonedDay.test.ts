/** "Due today" is the reader's calendar day in their time zone, as two instants (shared/zonedDay.ts). */
import { describe, expect, it } from 'vitest';
import { isTimeZone, zonedDay } from '../../shared/zonedDay';

const day = (now: string, zone: string) => {
  const { start, end } = zonedDay(Date.parse(now), zone);
  return [new Date(start).toISOString(), new Date(end).toISOString()];
};

describe('zonedDay', () => {
  it('is the day holding now, in the zone, whatever UTC’s date is', () => {
    expect(day('2026-12-07T00:30:00Z', 'UTC')).toEqual(['2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z']);
    expect(day('2026-12-07T00:30:00Z', 'America/New_York')).toEqual(['2026-12-06T05:00:00.000Z', '2026-12-07T05:00:00.000Z']);
    expect(day('2026-12-07T00:30:00Z', 'Asia/Kolkata')).toEqual(['2026-12-06T18:30:00.000Z', '2026-12-07T18:30:00.000Z']);
    expect(day('2026-12-06T23:59:59Z', 'Pacific/Kiritimati')).toEqual(['2026-12-06T10:00:00.000Z', '2026-12-07T10:00:00.000Z']);
  });

  it('has 23 or 25 hours across a change of clocks, and starts at the first instant of a day whose midnight is skipped', () => {
    expect(day('2026-03-08T12:00:00Z', 'America/New_York')).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    expect(day('2026-10-25T12:00:00Z', 'Europe/London')).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z']);
    // Santiago springs forward at midnight: the day starts at 01:00.
    expect(day('2026-09-06T12:00:00Z', 'America/Santiago')).toEqual(['2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z']);
  });

  it('knows the runtime’s zones only', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
