import { api, ApiError, type Schemas, unwrap } from '../../api/client';

export type Actor = Schemas['ActorDto'];
export type Role = Actor['role'];

export const authApi = {
  /** The signed-in operator, or null when there is no (valid) session. */
  me: async (): Promise<Actor | null> => {
    try {
      return await unwrap(api.GET('/api/v1/auth/me'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  login: (email: string, password: string) => unwrap(api.POST('/api/v1/auth/login', { body: { email, password } })),
  logout: () => unwrap(api.POST('/api/v1/auth/logout')),
  /** Your own password (needs the current one); your other login sessions end, this one stays. */
  changePassword: (body: Schemas['ChangePasswordDto']) => unwrap(api.POST('/api/v1/auth/password', { body })),
};
