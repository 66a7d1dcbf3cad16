// A clean handler. Module scope runs once per execution environment (INIT); warm
// invocations of the same environment reuse what it built. Only the handler runs per request.
const startedAt = new Date().toISOString();

export const handler = async (event) => {
  const name = event.queryStringParameters?.name ?? 'world';
  return {
    statusCode: 200,
    body: JSON.stringify({ message: `Hello, ${name}!`, environmentStartedAt: startedAt }),
  };
};
