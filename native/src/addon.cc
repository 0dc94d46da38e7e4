// Module entry point for the tapwatch libpcap addon.
#include <napi.h>
#include <pcap/pcap.h>

#include "capture_handle.h"
#include "unix_datagram.h"

namespace {

Napi::Value LibVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), pcap_lib_version());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tapwatch::CaptureHandle::Init(env, exports);
  exports.Set("libVersion", Napi::Function::New(env, LibVersion));
  exports.Set("sendUnixDatagram", Napi::Function::New(env, tapwatch::SendUnixDatagram));
  exports.Set("recordHeaderBytes", Napi::Number::New(env, tapwatch::kRecordHeaderBytes));
  return exports;
}

}  // namespace

NODE_API_MODULE(tapwatch_pcap, Init)
