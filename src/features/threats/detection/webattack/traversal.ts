/**
 * Path traversal: the value is normalized (hex `0x2e`-style escapes, backslashes) and split into path segments;
 * dot-dot segments, dot-run segments (`...`, `....//` filter evasions), long runs of empty or `.` segments,
 * absolute paths into system locations, `file:` URLs and NUL-byte truncation are judged, not keywords alone.
 */
export interface TraversalVerdict { rule: string; confidence: number; fragment: string }

const SYSTEM_PATH = /(?:^|[\\/=:'"\s(])(?:etc\/(?:passwd|shadow|group|hosts|issue|sudoers|crontab|ssh\/|mysql\/|apache2?\/|nginx\/|httpd\/)|proc\/(?:self|\d+)\/(?:environ|cmdline|fd|maps|status)|var\/log\/|root\/\.|home\/[^/]+\/\.ssh|windows\/(?:win\.ini|system32|system\.ini|repair)|winnt\/|boot\.ini|inetpub\/|web-inf\/|meta-inf\/|\.htpasswd|id_rsa|\.bash_history)/i;
// Files an attacker reads through traversal, recognisable even when the separators were stripped by a filter.
const SENSITIVE_NAME = /etc[\/]?(?:passwd|shadow)|boot\.ini|win\.ini|system\.ini|web-inf|global\.asa|\.htpasswd|inetpub/i;
const DRIVE_ROOT = /^[a-z]:[\\/](?:windows|winnt|boot\.ini|inetpub|program files|users)/i;
const FILE_URL = /^(?:file|php|zip|phar|expect|data|glob):\/{0,3}[a-z/\\]/i;
const NUL_TRUNCATION = /\u0000|%00|\\0/;

function normalizePath(value: string): string {
  let v = value;
  if (/0x[25][ecf]/i.test(v)) v = v.replace(/0x2e/gi, '.').replace(/0x2f/gi, '/').replace(/0x5c/gi, '\\');
  return v.replace(/\\/g, '/');
}

const TRAVERSAL_SIGNAL = /[./\\:%\u0000]|0x/;

export function detectTraversal(value: string): TraversalVerdict | null {
  if (!TRAVERSAL_SIGNAL.test(value)) return null;
  const path = normalizePath(value);
  const segments = path.split('/');
  let dotDot = 0;
  let dotRuns = 0;
  let emptyOrDot = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i].trim();
    if (seg === '..') dotDot++;
    else if (/^\.{3,}/.test(seg) || (/\.{4,}/.test(seg) && i > 0)) dotRuns++;
    else if ((seg === '' && i > 0 && i < segments.length - 1) || seg === '.') emptyOrDot++;
    else if (/^\.\.[^.]/.test(seg) && /[?*{}%]/.test(seg)) dotDot++; // ..%5c, ..{file}
  }
  if (dotDot >= 1) {
    return { rule: 'dot_dot_segments', confidence: dotDot >= 2 || SYSTEM_PATH.test(path) ? 0.95 : 0.8, fragment: value.slice(0, 80) };
  }
  const sensitive = SENSITIVE_NAME.exec(path);
  if (sensitive && (path.includes('..') || /^[a-z]:/i.test(path) || /^(?:file|php|zip|phar):/i.test(path) || /web-inf|boot\.ini|win\.ini|passwd|global\.asa/i.test(sensitive[0]))) {
    return { rule: 'sensitive_file', confidence: path.includes('..') ? 0.9 : 0.75, fragment: sensitive[0] };
  }
  if (dotRuns >= 1) return { rule: 'dot_run_segments', confidence: 0.8, fragment: value.slice(0, 80) };
  if (/\.\.\/\//.test(path) || /\.{2,}\/\.{2,}/.test(path)) return { rule: 'dot_dot_segments', confidence: 0.85, fragment: value.slice(0, 80) };
  if (path.startsWith('/') && segments.some((seg) => seg.length > 200 && /\.{2,}/.test(seg))) {
    return { rule: 'path_truncation', confidence: 0.7, fragment: value.slice(0, 80) };
  }
  if (emptyOrDot >= 2 && path.startsWith('/') && !/^\/\/[a-z0-9-]+\.[a-z]/i.test(path)) return { rule: 'segment_padding', confidence: 0.7, fragment: value.slice(0, 80) };
  if (FILE_URL.test(path)) return { rule: 'file_scheme', confidence: 0.85, fragment: value.slice(0, 80) };
  if (SYSTEM_PATH.test(path) && (path.startsWith('/') || /(?:^|[^a-z])(?:etc|proc|windows|boot\.ini|web-inf)/i.test(path))) {
    return { rule: 'sensitive_file', confidence: 0.85, fragment: value.slice(0, 80) };
  }
  if (DRIVE_ROOT.test(path)) return { rule: 'sensitive_file', confidence: 0.8, fragment: value.slice(0, 80) };
  if (NUL_TRUNCATION.test(value) && /\.[a-z0-9]{2,4}/i.test(value)) return { rule: 'nul_truncation', confidence: 0.75, fragment: value.slice(0, 80) };
  return null;
}
