/** RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

export interface LabeledPayload { payload: string; attackType: string; label: string }

export function readPayloads(text: string): LabeledPayload[] {
  const [header, ...rows] = parseCsv(text);
  const col = (name: string): number => header.indexOf(name);
  const [p, t, l] = [col('payload'), col('attack_type'), col('label')];
  return rows.filter((r) => r.length > Math.max(p, t, l)).map((r) => ({ payload: r[p], attackType: r[t], label: r[l] }));
}
