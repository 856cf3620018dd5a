/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
  errorId?: string;
  [extension: string]: unknown;
}

export const problem = (status: number, title: string, extra: Omit<Problem, 'type' | 'title' | 'status'> = {}): Problem => ({
  type: 'about:blank',
  title,
  status,
  ...extra,
});
