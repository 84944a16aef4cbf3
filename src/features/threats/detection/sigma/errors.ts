/** A rule that cannot be loaded; the message names the problem (it reaches API clients as a 400). */
export class SigmaRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigmaRuleError';
  }
}
