export const ROLES_KEY = 'cm:identity:roles';
export const PUBLIC_KEY = 'cm:identity:public';
export const PENDING_PASSWORD_KEY = 'cm:identity:pending-password';
export const SAME_ORIGIN_KEY = 'cm:identity:same-origin';
export const MAX_BODY_BYTES_KEY = 'cm:identity:max-body-bytes';
