console.log("enclave console test fixture");
