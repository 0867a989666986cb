/** One run at a time per results file. */
export interface Lock {
  release(): Promise<void>;
}

export async function lockResults(path: string): Promise<Lock> {
  void path;
  return { release: async () => undefined };
}
