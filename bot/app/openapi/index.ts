/** The OpenAPI 3.1 document of Parley's HTTP API and the route that serves it. */
export { documentedPaths, OPENAPI_VERSION, openApiDocument } from './document.js';
export { openApiPath, registerOpenApi, type RegisteredRoute } from './register.js';
