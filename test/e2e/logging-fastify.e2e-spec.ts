import { describeLogging } from './logging-suite';

describeLogging('fastify');
