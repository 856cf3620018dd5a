import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './options';

/**
 * Data source for the TypeORM CLI (`npm run migration:*`). Needs DATABASE_URL:
 * the embedded PostgreSQL of `npm start` prints its URL at start-up.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('Set DATABASE_URL to run TypeORM CLI commands (npm start prints the embedded database URL).');
}
export default new DataSource(dataSourceOptions(url));
