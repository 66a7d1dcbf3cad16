exports.handler = async () => {
  console.log('nightly report');
  return { ok: true };
};
