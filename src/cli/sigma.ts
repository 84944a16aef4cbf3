export async function sigma(_args: string[]): Promise<number> {
  process.stderr.write('vigil sigma: not available in this build yet\n');
  return 2;
}
