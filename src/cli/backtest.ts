export async function backtest(_args: string[]): Promise<number> {
  process.stderr.write('vigil backtest: not available in this build yet\n');
  return 2;
}
