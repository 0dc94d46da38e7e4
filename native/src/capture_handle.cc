// libpcap handle wrapper: offline files (pcap, pcapng, nanosecond pcap, gzip, stdin) and live
// interfaces (non-blocking fd watched by libuv), both delivering packets in the same batch layout.
#include "capture_handle.h"

#include <cstring>

#include "gzip_file.h"

namespace tapwatch {
namespace {

// Throws a JS Error carrying a stable `code` and libpcap's own words in the message.
void ThrowCaptureError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  err.ThrowAsJavaScriptException();
}

const char* ActivateErrorCode(int status) {
  switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return "ERR_PCAP_NO_SUCH_DEVICE";
    case PCAP_ERROR_PERM_DENIED: return "ERR_PCAP_PERM_DENIED";
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "ERR_PCAP_PERM_DENIED";
    case PCAP_ERROR_IFACE_NOT_UP: return "ERR_PCAP_IFACE_NOT_UP";
    default: return "ERR_PCAP_ACTIVATE";
  }
}

void WriteU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

size_t RecordBytes(uint32_t caplen) { return kRecordHeaderBytes + ((caplen + 3u) & ~3u); }

uint32_t OptUint(const Napi::Object& o, const char* key, uint32_t dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Uint32Value() : dflt;
}

bool OptBool(const Napi::Object& o, const char* key, bool dflt) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : dflt;
}

}  // namespace

Napi::Object CaptureHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "CaptureHandle",
      {InstanceMethod("openOffline", &CaptureHandle::OpenOffline),
       InstanceMethod("openLive", &CaptureHandle::OpenLive),
       InstanceMethod("readInto", &CaptureHandle::ReadInto),
       InstanceMethod("startPolling", &CaptureHandle::StartPolling),
       InstanceMethod("stats", &CaptureHandle::Stats),
       InstanceMethod("close", &CaptureHandle::Close)});
  exports.Set("CaptureHandle", cls);
  return exports;
}

CaptureHandle::CaptureHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CaptureHandle>(info) {}

CaptureHandle::~CaptureHandle() {
  StopPolling();
  if (pcap_ != nullptr) pcap_close(pcap_);
  pcap_ = nullptr;
}

bool CaptureHandle::ApplyFilter(Napi::Env env, const Napi::Value& filter) {
  if (!filter.IsString()) return true;
  std::string expr = filter.As<Napi::String>().Utf8Value();
  if (expr.empty()) return true;
  struct bpf_program prog;
  if (pcap_compile(pcap_, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    ThrowCaptureError(env, "ERR_PCAP_FILTER", "bad filter '" + expr + "': " + pcap_geterr(pcap_));
    return false;
  }
  int rc = pcap_setfilter(pcap_, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    ThrowCaptureError(env, "ERR_PCAP_FILTER", "cannot set filter '" + expr + "': " + pcap_geterr(pcap_));
    return false;
  }
  return true;
}

Napi::Object CaptureHandle::DescribeOpened(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  int dlt = pcap_datalink(pcap_);
  o.Set("linkType", Napi::Number::New(env, dlt));
  const char* name = pcap_datalink_val_to_name(dlt);
  o.Set("linkTypeName", Napi::String::New(env, name != nullptr ? name : "unknown"));
  o.Set("snaplen", Napi::Number::New(env, pcap_snapshot(pcap_)));
  o.Set("nanosecond", Napi::Boolean::New(env, nanoTimestamps_));
  return o;
}

// openOffline(path, filter?) -> { linkType, linkTypeName, snaplen, nanosecond }
Napi::Value CaptureHandle::OpenOffline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (pcap_ != nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "handle is already open");
    return env.Undefined();
  }
  if (info.Length() < 1 || !info[0].IsString()) {
    ThrowCaptureError(env, "ERR_PCAP_ARGS", "openOffline(path, filter?) needs a path");
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string openError;
  FILE* f = OpenMaybeGzip(path, &openError);
  if (f == nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_OPEN", openError);
    return env.Undefined();
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  // Ask for nanoseconds always: libpcap scales microsecond files up, so one code path downstream.
  pcap_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (pcap_ == nullptr) {
    std::fclose(f);
    ThrowCaptureError(env, "ERR_PCAP_OPEN", path + ": " + errbuf);
    return env.Undefined();
  }
  nanoTimestamps_ = true;
  live_ = false;
  if (info.Length() > 1 && !ApplyFilter(env, info[1])) {
    pcap_close(pcap_);
    pcap_ = nullptr;
    return env.Undefined();
  }
  return DescribeOpened(env);
}

// openLive({ iface, snaplen, promisc, bufferSize, timeoutMs, immediate, filter })
Napi::Value CaptureHandle::OpenLive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (pcap_ != nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "handle is already open");
    return env.Undefined();
  }
  if (info.Length() < 1 || !info[0].IsObject()) {
    ThrowCaptureError(env, "ERR_PCAP_ARGS", "openLive(options) needs an options object");
    return env.Undefined();
  }
  Napi::Object opts = info[0].As<Napi::Object>();
  Napi::Value ifaceValue = opts.Get("iface");
  if (!ifaceValue.IsString()) {
    ThrowCaptureError(env, "ERR_PCAP_ARGS", "openLive needs options.iface");
    return env.Undefined();
  }
  std::string iface = ifaceValue.As<Napi::String>().Utf8Value();
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* p = pcap_create(iface.c_str(), errbuf);
  if (p == nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_OPEN", iface + ": " + errbuf);
    return env.Undefined();
  }
  pcap_set_snaplen(p, static_cast<int>(OptUint(opts, "snaplen", 262144)));
  pcap_set_promisc(p, OptBool(opts, "promisc", true) ? 1 : 0);
  uint32_t bufferSize = OptUint(opts, "bufferSize", 0);
  if (bufferSize > 0) pcap_set_buffer_size(p, static_cast<int>(bufferSize));
  pcap_set_timeout(p, static_cast<int>(OptUint(opts, "timeoutMs", 100)));
  if (OptBool(opts, "immediate", false)) pcap_set_immediate_mode(p, 1);
  // Nanosecond stamps where the platform has them; otherwise microseconds, scaled when copied.
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  int status = pcap_activate(p);
  if (status < 0) {
    std::string why = pcap_statustostr(status);
    std::string detail = pcap_geterr(p);
    if (!detail.empty()) why += ": " + detail;
    pcap_close(p);
    ThrowCaptureError(env, ActivateErrorCode(status), iface + ": " + why);
    return env.Undefined();
  }
  pcap_ = p;
  live_ = true;
  nanoTimestamps_ = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  if (!ApplyFilter(env, opts.Get("filter"))) {
    pcap_close(pcap_);
    pcap_ = nullptr;
    return env.Undefined();
  }
  if (pcap_setnonblock(pcap_, 1, errbuf) != 0) {
    std::string msg = iface + ": cannot set non-blocking mode: " + errbuf;
    pcap_close(pcap_);
    pcap_ = nullptr;
    ThrowCaptureError(env, "ERR_PCAP_ACTIVATE", msg);
    return env.Undefined();
  }
  Napi::Object described = DescribeOpened(env);
  if (status > 0) described.Set("warning", Napi::String::New(env, pcap_statustostr(status)));
  return described;
}

int CaptureHandle::FillBatch(uint8_t* buf, size_t cap, size_t* usedOut, std::string* error) {
  size_t used = 0;
  int count = 0;
  if (!carry_.empty()) {
    if (carry_.size() > cap) {
      *error = "batch buffer smaller than one packet";
      *usedOut = 0;
      return 0;
    }
    std::memcpy(buf, carry_.data(), carry_.size());
    used = carry_.size();
    carry_.clear();
    count = 1;
  }
  while (!eof_) {
    struct pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(pcap_, &hdr, &data);
    if (rc == 0) break;  // live: nothing more ready now
    if (rc == PCAP_ERROR_BREAK) {
      eof_ = true;
      break;
    }
    if (rc < 0) {
      *error = pcap_geterr(pcap_);
      eof_ = !live_;
      break;
    }
    uint32_t caplen = hdr->caplen;
    uint32_t frac = static_cast<uint32_t>(hdr->ts.tv_usec);
    if (!nanoTimestamps_) frac *= 1000u;
    size_t need = RecordBytes(caplen);
    uint8_t* dst;
    if (used + need <= cap) {
      dst = buf + used;
    } else {
      carry_.assign(need, 0);
      dst = carry_.data();
    }
    WriteU32(dst, static_cast<uint32_t>(hdr->ts.tv_sec));
    WriteU32(dst + 4, frac);
    WriteU32(dst + 8, caplen);
    WriteU32(dst + 12, hdr->len);
    std::memcpy(dst + kRecordHeaderBytes, data, caplen);
    if (dst != buf + used) break;  // batch full; the carried packet opens the next one
    std::memset(dst + kRecordHeaderBytes + caplen, 0, need - kRecordHeaderBytes - caplen);
    used += need;
    ++count;
  }
  *usedOut = used;
  if (count == 0 && eof_ && carry_.empty()) return -1;
  return count;
}

// readInto(buffer) -> packets copied (>= 0), or -1 at end of file. A read error after some packets
// is reported by the next call, so no packet read before it is lost.
Napi::Value CaptureHandle::ReadInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!deferredError_.empty()) {
    std::string msg = deferredError_;
    deferredError_.clear();
    ThrowCaptureError(env, "ERR_PCAP_READ", msg);
    return env.Undefined();
  }
  if (pcap_ == nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "handle is closed");
    return env.Undefined();
  }
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    ThrowCaptureError(env, "ERR_PCAP_ARGS", "readInto(buffer) needs a Buffer");
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> out = info[0].As<Napi::Buffer<uint8_t>>();
  size_t used = 0;
  std::string error;
  int count = FillBatch(out.Data(), out.Length(), &used, &error);
  if (!error.empty()) {
    if (count > 0) {
      deferredError_ = error;
    } else {
      ThrowCaptureError(env, "ERR_PCAP_READ", error);
      return env.Undefined();
    }
  }
  return Napi::Number::New(env, count);
}

// startPolling(buffer, onBatch(count), onError(err)): live only. libuv watches the selectable fd;
// each wake-up drains what is ready into `buffer`, calling onBatch once per filled batch.
Napi::Value CaptureHandle::StartPolling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (pcap_ == nullptr || !live_) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "startPolling needs an open live handle");
    return env.Undefined();
  }
  if (poll_ != nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "already polling");
    return env.Undefined();
  }
  if (info.Length() < 3 || !info[0].IsBuffer() || !info[1].IsFunction() || !info[2].IsFunction()) {
    ThrowCaptureError(env, "ERR_PCAP_ARGS", "startPolling(buffer, onBatch, onError)");
    return env.Undefined();
  }
  int fd = pcap_get_selectable_fd(pcap_);
  if (fd < 0) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "this capture has no selectable descriptor");
    return env.Undefined();
  }
  batchBuffer_ = Napi::Persistent(info[0].As<Napi::Object>());
  onBatch_ = Napi::Persistent(info[1].As<Napi::Function>());
  onError_ = Napi::Persistent(info[2].As<Napi::Function>());
  asyncContext_ = new Napi::AsyncContext(env, "tapwatch:capture");
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  poll_ = new uv_poll_t;
  uv_poll_init(loop, poll_, fd);
  poll_->data = this;
  uv_poll_start(poll_, UV_READABLE, &CaptureHandle::OnReadable);
  Ref();  // keep this object alive while libuv holds a pointer to it
  return env.Undefined();
}

void CaptureHandle::OnReadable(uv_poll_t* poll, int status, int /*events*/) {
  auto* self = static_cast<CaptureHandle*>(poll->data);
  if (self == nullptr) return;
  if (status < 0) {
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    Napi::Error err = Napi::Error::New(env, std::string("poll failed: ") + uv_strerror(status));
    err.Set("code", Napi::String::New(env, "ERR_PCAP_READ"));
    self->onError_.MakeCallback(env.Global(), {err.Value()}, *self->asyncContext_);
    return;
  }
  self->DeliverReadyBatches();
}

void CaptureHandle::DeliverReadyBatches() {
  Napi::Env env = Env();
  // Bounded so a flood cannot starve timers and signals on the event loop.
  for (int round = 0; round < 64 && pcap_ != nullptr && poll_ != nullptr; ++round) {
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> out = batchBuffer_.Value().As<Napi::Buffer<uint8_t>>();
    size_t used = 0;
    std::string error;
    int count = FillBatch(out.Data(), out.Length(), &used, &error);
    if (count > 0) {
      onBatch_.MakeCallback(env.Global(), {Napi::Number::New(env, count)}, *asyncContext_);
      if (env.IsExceptionPending()) {
        Napi::Error e = env.GetAndClearPendingException();
        napi_fatal_exception(env, e.Value());
        return;
      }
    }
    if (!error.empty()) {
      Napi::Error err = Napi::Error::New(env, error);
      err.Set("code", Napi::String::New(env, "ERR_PCAP_READ"));
      if (poll_ != nullptr) onError_.MakeCallback(env.Global(), {err.Value()}, *asyncContext_);
      return;
    }
    if (carry_.empty()) return;  // drained: the batch was not full
  }
}

void CaptureHandle::StopPolling() {
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  poll_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
  poll_ = nullptr;
  delete asyncContext_;
  asyncContext_ = nullptr;
  onBatch_.Reset();
  onError_.Reset();
  batchBuffer_.Reset();
  Unref();
}

// stats() -> { received, droppedKernel, droppedInterface } from pcap_stats (live captures).
Napi::Value CaptureHandle::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (pcap_ == nullptr) {
    ThrowCaptureError(env, "ERR_PCAP_STATE", "handle is closed");
    return env.Undefined();
  }
  struct pcap_stat st;
  std::memset(&st, 0, sizeof st);
  if (pcap_stats(pcap_, &st) != 0) {
    ThrowCaptureError(env, "ERR_PCAP_STATS", pcap_geterr(pcap_));
    return env.Undefined();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("received", Napi::Number::New(env, st.ps_recv));
  o.Set("droppedKernel", Napi::Number::New(env, st.ps_drop));
  o.Set("droppedInterface", Napi::Number::New(env, st.ps_ifdrop));
  return o;
}

// close(): idempotent; stops the libuv watcher so the process can exit normally.
Napi::Value CaptureHandle::Close(const Napi::CallbackInfo& info) {
  StopPolling();
  if (pcap_ != nullptr) pcap_close(pcap_);
  pcap_ = nullptr;
  carry_.clear();
  return info.Env().Undefined();
}

}  // namespace tapwatch
