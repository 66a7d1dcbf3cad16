// A handler with one deliberate problem: `recent` lives at module scope, so it survives
// between warm invocations of the same environment and keeps growing. Lambda Lens marks the
// push (LL3002); hover it to read why.
const recent = [];

export const handler = async (event) => {
  recent.push(event.requestContext?.requestId ?? 'local');
  return { statusCode: 200, body: JSON.stringify({ visitsSeenByThisEnvironment: recent.length }) };
};
