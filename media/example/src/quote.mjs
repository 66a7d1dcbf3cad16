// Prices a product for the shop's checkout page.
//
// Module scope runs once per execution environment (INIT): the price table is built here,
// once, and every warm invocation of the same environment reuses it. Only the handler runs
// per request.
import { createHash } from 'node:crypto';

function buildPriceTable(size) {
  const table = new Map();
  for (let i = 0; i < size; i++) {
    const sku = `SKU-${String(i).padStart(5, '0')}`;
    const digest = createHash('sha256').update(sku).digest();
    table.set(sku, 5 + (digest.readUInt16BE(0) % 9500) / 100);
  }
  return table;
}

const prices = buildPriceTable(40_000);

export const handler = async (event) => {
  const sku = event.pathParameters?.sku ?? 'SKU-00042';
  const price = prices.get(sku);
  if (price === undefined) {
    return { statusCode: 404, body: JSON.stringify({ message: `unknown product ${sku}` }) };
  }
  const quantity = Math.max(1, Number(event.queryStringParameters?.quantity ?? 1));
  const total = Math.round(price * quantity * 100) / 100;
  console.log(JSON.stringify({ sku, quantity, total }));
  return { statusCode: 200, body: JSON.stringify({ sku, quantity, unitPrice: price, total }) };
};
