/**
 * Masks the variable parts of a log message so lines of one kind share a template: quoted strings, UUIDs,
 * IPv4/IPv6 addresses (with port), URLs, file paths, the C library's errno texts, hex values, and numbers.
 */

/** strerror() texts of the errno values a log line commonly ends with ("…: No such file or directory"). */
const ERRNO_TEXTS = [
  'No such file or directory', 'Permission denied', 'Bad file descriptor', 'No child processes', 'Block device required',
  'Connection refused', 'Connection reset by peer', 'Connection timed out', 'No space left on device', 'Too many open files',
  'Resource temporarily unavailable', 'Broken pipe', 'Input/output error', 'Operation not permitted', 'Is a directory',
  'Not a directory', 'File exists', 'Device or resource busy', 'Cannot allocate memory', 'Out of memory', 'Invalid argument',
  'Network is unreachable', 'No route to host', 'Read-only file system', 'Interrupted system call', 'Operation timed out',
  'Text file busy', 'Exec format error', 'Address already in use', 'Disk quota exceeded', 'Stale file handle',
  'Host is down', 'Transport endpoint is not connected', 'Function not implemented', 'Operation not supported',
];
const ERRNO = new RegExp(`\\b(?:${ERRNO_TEXTS.map((t) => t.replace(/[/]/g, '\\/')).join('|')})\\b`, 'gi');

export function maskMessage(message: string): string {
  return message
    .slice(0, 500)
    .replace(ERRNO, '<errno>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b[a-z][\w+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi, '<ip>')
    .replace(/(?<![\w<>.])(?:\.{1,2}|~)?(?:\/[\w.@%+=~-]+)+\/?/g, '<path>')
    .replace(/\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b/gi, '<hex>')
    .replace(/[-+]?\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}
