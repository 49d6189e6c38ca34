/** ZIPs as people type them into a form: spaces, commas or semicolons between; ZIP+4 cut to the ZIP. */
export function parseTypedZips(text: string): { zips: string[]; malformed?: string } {
  const zips: string[] = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const match = /^(\d{5})(?:-\d{4})?$/.exec(part);
    if (!match) return { zips, malformed: part.slice(0, 20) };
    if (!zips.includes(match[1]!)) zips.push(match[1]!);
  }
  return { zips };
}
