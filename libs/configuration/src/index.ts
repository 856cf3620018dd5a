export { ConfigurationModule } from './configuration.module';
export { ConfigurationError, ConfigurationErrorCode, CONFIGURATION_ERROR_STATUS } from './configuration.errors';
/** The file format, checked offline by the same DTOs and rule validation as the API (the `cm config` CLI uses these). */
export { checkConfiguration, type ConfigurationCheck, type ConfigurationFieldError, type DesiredConfiguration } from './document';
export { CONFIGURATION_FORMAT_VERSION } from './dto/configuration.dto';
export { canonicalJson } from './field-diff';
export { configurationJsonSchema, CONFIG_SCHEMA_FILE } from './json-schema';
