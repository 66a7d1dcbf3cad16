exports.handler = async (event) => {
  for (const record of event.Records) {
    console.log('receipt uploaded', record.s3.object.key);
  }
};
