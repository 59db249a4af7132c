/** `text` as a regular expression that matches it literally (JavaScript and PostgreSQL syntax). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
