/**
 * OS command injection read as shell grammar: the value is split at command separators (; | || & && newline,
 * backticks, $( )) and each command position is checked for an executable — an absolute path into a bin
 * directory, or a known system utility followed by arguments that fit it. A word alone is not enough:
 * "cat" or "ping" in a sentence never sits after a separator with shell-shaped arguments.
 */
export interface CmdiVerdict { rule: string; confidence: number; fragment: string }

// Utilities attackers run to prove or use execution; their presence matters only in command position.
const UTILITIES = new Set(['id', 'whoami', 'uname', 'cat', 'ls', 'dir', 'ping', 'sleep', 'wget', 'curl', 'nc', 'ncat', 'netcat',
  'bash', 'sh', 'zsh', 'ksh', 'dash', 'cmd', 'cmd.exe', 'powershell', 'pwsh', 'echo', 'nslookup', 'dig', 'host', 'netstat', 'ifconfig',
  'ipconfig', 'type', 'rm', 'chmod', 'chown', 'python', 'python3', 'perl', 'php', 'ruby', 'lua', 'telnet', 'ssh', 'scp', 'tftp',
  'ftp', 'net', 'systeminfo', 'tasklist', 'taskkill', 'reg', 'certutil', 'bitsadmin', 'mshta', 'rundll32', 'regsvr32', 'wmic',
  'hostname', 'ps', 'kill', 'killall', 'env', 'printenv', 'set', 'export', 'head', 'tail', 'more', 'less', 'find', 'grep',
  'awk', 'sed', 'xargs', 'base64', 'touch', 'mkdir', 'cp', 'mv', 'dd', 'nohup', 'crontab', 'useradd', 'passwd', 'sudo', 'su',
  'ping.exe', 'timeout', 'true', 'false', 'expr', 'xterm', 'mkfifo', 'socat', 'tar', 'zip', 'unzip', 'gcc', 'cc', 'java',
  'node', 'osascript', 'shutdown', 'reboot', 'halt', 'w', 'who', 'last', 'lsof', 'uptime', 'pwd', 'exec', 'eval', 'system']);
// Utilities that prove execution on their own (no arguments needed) when they follow a separator.
const STANDALONE = new Set(['id', 'whoami', 'uname', 'ls', 'dir', 'netstat', 'ifconfig', 'ipconfig', 'hostname', 'ps', 'pwd',
  'env', 'printenv', 'systeminfo', 'tasklist', 'w', 'who', 'uptime', 'set', 'true', 'false']);
const CODE_EXEC_FUNCTIONS = /(?:^|[;|&`\s(])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|os\.system|subprocess\.\w+|runtime\.getruntime\(\)\.exec)\s*\(\s*['"`]?[^)]*\)/i;
const SSI_EXEC = /<!--\s*#\s*exec\s+(?:cmd|cgi)\s*=/i;
const BIN_PATH = /^(?:\/usr\/local\/s?bin|\/usr\/s?bin|\/s?bin|usr\/s?bin|bin|[a-z]:\\windows\\system32)\/?[\\/]?([a-z0-9._-]+)$/i;

interface CommandSlot { words: string[]; afterSeparator: boolean; separator: string }

function splitCommands(value: string): CommandSlot[] {
  const slots: CommandSlot[] = [];
  const re = /(\|\||&&|[;|&\n`]|\$\()/g;
  let last = 0;
  let separator = '';
  let m: RegExpExecArray | null;
  const push = (end: number): void => {
    const words = value.slice(last, end).trim().split(/\s+/).map((w) => w.replace(/^['"(]+|['")]+$/g, '')).filter(Boolean);
    slots.push({ words, afterSeparator: separator !== '', separator });
  };
  while ((m = re.exec(value)) !== null) {
    push(m.index);
    separator = m[1];
    last = m.index + m[1].length;
  }
  push(value.length);
  return slots;
}

function commandName(word: string): { name: string; absolute: boolean } {
  const bin = BIN_PATH.exec(word);
  if (bin && word.includes('/')) return { name: bin[1].toLowerCase(), absolute: true };
  return { name: word.toLowerCase(), absolute: false };
}

const looksLikeArgument = (word: string | undefined): boolean =>
  word !== undefined && (/^-{1,2}[a-z0-9]/i.test(word) || /^[/\\]/.test(word) || /^[a-z]:[\\/]?/i.test(word) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(word)
    || /^(?:https?|ftp):\/\//i.test(word) || /^\/[a-z]/i.test(word) || /^\d+$/.test(word) || /^[$%][a-z_{]/i.test(word));

export function detectCmdi(value: string): CmdiVerdict | null {
  if (SSI_EXEC.test(value)) return { rule: 'ssi_exec', confidence: 0.95, fragment: value.slice(0, 80) };
  const call = CODE_EXEC_FUNCTIONS.exec(value);
  if (call && /[;|&`'"]/.test(value)) return { rule: 'code_exec_function', confidence: 0.85, fragment: call[0].trim() };
  const slots = splitCommands(value);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    const first = slot.words[0];
    if (!first) continue;
    const { name, absolute } = commandName(first);
    if (absolute && UTILITIES.has(name)) {
      return { rule: slot.afterSeparator ? 'separator_binary_path' : 'binary_path', confidence: slot.afterSeparator ? 0.95 : 0.85, fragment: slot.words.slice(0, 3).join(' ') };
    }
    if (!UTILITIES.has(name)) continue;
    const argument = looksLikeArgument(slot.words[1]);
    // Substitution (`...` or $(...)) executes wherever it appears; a separator must be followed by a command.
    const substituted = slot.separator === '`' || slot.separator === '$(';
    const separated = slot.afterSeparator && (slot.separator !== '&' || argument || STANDALONE.has(name));
    if ((substituted || separated) && (argument || STANDALONE.has(name) || slot.words.length === 1)) {
      return { rule: substituted ? 'command_substitution' : 'separator_command', confidence: argument ? 0.9 : 0.8, fragment: `${slot.separator}${slot.words.slice(0, 3).join(' ')}` };
    }
    const pathArgument = argument && !/^\d+$/.test(slot.words[1]);
    if (i === 0 && slots.length === 1 && slot.words.length <= 6 && name !== 'type' && name !== 'set' && (STANDALONE.has(name) ? pathArgument : argument)) {
      return { rule: 'bare_command', confidence: 0.65, fragment: slot.words.slice(0, 3).join(' ') };
    }
    if (i === 0 && slots.length > 1 && (argument || STANDALONE.has(name)) && slots[1].separator !== '`') {
      return { rule: 'command_then_separator', confidence: 0.75, fragment: slot.words.slice(0, 3).join(' ') };
    }
  }
  return null;
}
