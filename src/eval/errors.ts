// What eval says when its inputs are wrong: one plain sentence for the person at the terminal. The
// CLI turns `usage` into exit 2 (the labels named on the command line are bad) and `failure` into
// exit 1 (the labels are fine but a file they name cannot be read), as the other commands do.
export type EvalInputProblem = 'usage' | 'failure';

export class EvalInputError extends Error {
  override readonly name = 'EvalInputError';

  constructor(
    readonly problem: EvalInputProblem,
    message: string,
  ) {
    super(message);
  }
}
