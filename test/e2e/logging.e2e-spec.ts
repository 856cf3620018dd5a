import { describeLogging } from './logging-suite';

describeLogging('express');
