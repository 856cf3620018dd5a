export { apply } from './apply';
export { exportConfiguration } from './export';
export { plan } from './plan';
export { validate } from './validate';
