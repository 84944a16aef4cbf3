export async function detect(_args: string[]): Promise<number> {
  process.stderr.write('vigil detect: not available in this build yet\n');
  return 2;
}
