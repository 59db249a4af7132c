const withSeconds = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** An instant of the activity log, to the second (several requests often share a minute). */
export function when(iso: string): string {
  return withSeconds.format(new Date(iso));
}
