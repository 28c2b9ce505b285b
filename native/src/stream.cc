// Stream: owns the ring, the device thread and the event function of one open output.
#include "stream.h"

#include <chrono>
#include <cstring>

namespace auris {

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* EventName(uint32_t e) {
  switch (e) {
    case DeviceContext::kUnderrun: return "underrun";
    case DeviceContext::kDrained: return "drained";
    case DeviceContext::kDeviceLost: return "device-lost";
    case DeviceContext::kFramesLost: return "frames-lost";
    case DeviceContext::kDropped: return "dropped";
    default: return "error";
  }
}

// Runs on the JS thread for each event the device thread posted (see DeviceContext::Post).
void CallJs(napi_env env, napi_value js_cb, void*, void* data) {
  if (env == nullptr || js_cb == nullptr) return;
  const uintptr_t packed = reinterpret_cast<uintptr_t>(data);
  const uint32_t kind = static_cast<uint32_t>(packed & 0xff);
  const int32_t value = static_cast<int32_t>(static_cast<uint32_t>(packed >> 8));
  napi_value args[2], undefined;
  napi_create_string_utf8(env, EventName(kind), NAPI_AUTO_LENGTH, &args[0]);
  napi_create_int32(env, value, &args[1]);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, js_cb, 2, args, nullptr);
}

uint32_t U32(const Napi::Object& o, const char* key) { return o.Get(key).As<Napi::Number>().Uint32Value(); }
std::string Str(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

}  // namespace

void ThrowStatus(Napi::Env env, const Status& s) {
  Napi::Error e = Napi::Error::New(env, s.message);
  e.Set("code", Napi::String::New(env, ErrorCodeName(s.code)));
  e.Set("osError", Napi::Number::New(env, static_cast<double>(s.os_error)));
  throw e;
}

Napi::Function Stream::Init(Napi::Env env) {
  return DefineClass(env, "Stream",
                     {InstanceMethod("write", &Stream::Write), InstanceMethod("queuedFrames", &Stream::QueuedFrames),
                      InstanceMethod("delay", &Stream::Delay), InstanceMethod("drain", &Stream::Drain), InstanceMethod("drop", &Stream::Drop),
                      InstanceMethod("pause", &Stream::Pause), InstanceMethod("close", &Stream::Close),
                      InstanceMethod("stats", &Stream::Stats), InstanceMethod("negotiated", &Stream::Negotiated)});
}

Stream::Stream(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Stream>(info) {
  Napi::Env env = info.Env();
  auto* module = info[0].As<Napi::External<BackendModule>>().Data();
  Napi::Object r = info[1].As<Napi::Object>();
  Napi::Function on_event = info[2].As<Napi::Function>();

  OpenRequest req;
  req.device = Str(r, "device");
  req.mode = Str(r, "mode") == "shared" ? Mode::kShared : Mode::kExclusive;
  req.container = Str(r, "container");
  req.rate = U32(r, "rate");
  req.channels = U32(r, "channels");
  req.valid_bits = U32(r, "validBits");
  req.buffer_us = U32(r, "bufferUs");
  req.period_us = U32(r, "periodUs");
  req.strategy = Str(r, "strategy");
  const uint32_t ring_ms = U32(r, "ringMs");

  backend_ = module->NewStream();
  if (!backend_) {
    std::string why;
    module->Available(&why);
    ThrowStatus(env, Status::Fail(ErrorCode::kUnavailable, 0, why));
  }
  Status s = backend_->Open(req, &negotiated_);
  if (!s.ok) {
    backend_.reset();
    ThrowStatus(env, s);
  }

  // Ring: at least the requested time and at least twice the device buffer, whole frames.
  const size_t sample_bytes = ContainerBytes(negotiated_.container);
  frame_bytes_ = sample_bytes * negotiated_.channels;
  uint64_t ring_frames = static_cast<uint64_t>(negotiated_.rate) * ring_ms / 1000;
  if (ring_frames < 2 * negotiated_.buffer_frames) ring_frames = 2 * negotiated_.buffer_frames;
  if (ring_frames < 64) ring_frames = 64;
  ring_ = std::make_unique<SpscRing>(static_cast<size_t>(ring_frames) * frame_bytes_, frame_bytes_);
  ctx_ = std::make_unique<DeviceContext>(ring_.get(), negotiated_.rate);

  napi_value name;
  napi_create_string_utf8(env, "auris-device-events", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, on_event, nullptr, name, 0, 1, nullptr, nullptr, nullptr, CallJs, &tsfn_) != napi_ok) {
    backend_->Close();
    ThrowStatus(env, Status::Fail(ErrorCode::kDevice, 0, "cannot create the event function"));
  }
  ctx_->set_event_sink(tsfn_);
  Backend* b = backend_.get();
  DeviceContext* c = ctx_.get();
  thread_ = std::thread([b, c] { b->Run(*c); });
}

Stream::~Stream() { Shutdown(); }

void Stream::Shutdown() {
  if (closed_) return;
  closed_ = true;
  if (ctx_) ctx_->RequestStop();
  if (thread_.joinable()) thread_.join();
  // The position freezes where the device stops: what it holds is read right before the drop, so
  // playback restarted at the played-frames count repeats and skips nothing.
  if (ctx_) {
    const int64_t now = NowNs();
    const int64_t held = backend_ ? backend_->HeldFrames() : -1;
    ctx_->PublishDelay(held >= 0 ? held : ctx_->DeviceDelay(now), false, now);
  }
  if (backend_) backend_->Close();
  if (tsfn_ != nullptr) {
    napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
    tsfn_ = nullptr;
  }
}

void Stream::ThrowIfDead(Napi::Env env) {
  if (closed_) ThrowStatus(env, Status::Fail(ErrorCode::kInvalid, 0, "the output is closed"));
  if (ctx_->lost()) ThrowStatus(env, Status::Fail(ErrorCode::kDeviceLost, 0, "the device went away"));
  if (ctx_->failed()) ThrowStatus(env, Status::Fail(ErrorCode::kDevice, 0, "the device stopped with an error"));
}

Napi::Value Stream::Write(const Napi::CallbackInfo& info) {
  ThrowIfDead(info.Env());
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const size_t written = ring_->Write(bytes.Data(), bytes.ByteLength());
  return Napi::Number::New(info.Env(), static_cast<double>(written / frame_bytes_));
}

Napi::Value Stream::QueuedFrames(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), closed_ ? 0 : static_cast<double>(ring_->Readable() / frame_bytes_));
}

Napi::Value Stream::Delay(const Napi::CallbackInfo& info) {
  if (closed_) return Napi::Number::New(info.Env(), 0);
  const double ring_frames = static_cast<double>(ring_->Readable() / frame_bytes_);
  return Napi::Number::New(info.Env(), ring_frames + static_cast<double>(ctx_->DeviceDelay(NowNs())));
}

Napi::Value Stream::Drain(const Napi::CallbackInfo& info) {
  ThrowIfDead(info.Env());
  ctx_->RequestDrain();
  return info.Env().Undefined();
}

Napi::Value Stream::Drop(const Napi::CallbackInfo& info) {
  ThrowIfDead(info.Env());
  if (!backend_->CanDrop()) return Napi::Boolean::New(info.Env(), false);
  ctx_->RequestDrop();
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Stream::Pause(const Napi::CallbackInfo& info) {
  ThrowIfDead(info.Env());
  ctx_->RequestPause(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value Stream::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value Stream::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("underruns", Napi::Number::New(env, ctx_ ? static_cast<double>(ctx_->underruns()) : 0));
  o.Set("lost", Napi::Boolean::New(env, ctx_ && ctx_->lost()));
  o.Set("failed", Napi::Boolean::New(env, ctx_ && ctx_->failed()));
  // Sent to the device, and played: sent less what the device still holds (frozen at a loss).
  // Frames dropped unplayed at a seek (Drop) were consumed from the ring but never played.
  const double sent = ring_ ? static_cast<double>(ring_->TotalConsumed() / frame_bytes_) - static_cast<double>(ctx_->dropped_frames()) : 0;
  // After close: what the device held when it stopped (published by Shutdown, no longer running).
  const double held = ctx_ ? static_cast<double>(ctx_->DeviceDelay(NowNs())) : 0;
  o.Set("sentFrames", Napi::Number::New(env, sent));
  o.Set("playedFrames", Napi::Number::New(env, sent > held ? sent - held : 0));
  o.Set("framesLost", Napi::Number::New(env, ctx_ ? static_cast<double>(ctx_->frames_lost()) : 0));
  o.Set("ringFrames", Napi::Number::New(env, ring_ ? static_cast<double>(ring_->capacity() / frame_bytes_) : 0));
  o.Set("closed", Napi::Boolean::New(env, closed_));
  return o;
}

Napi::Value Stream::Negotiated(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("container", negotiated_.container);
  o.Set("validBits", negotiated_.valid_bits);
  o.Set("rate", negotiated_.rate);
  o.Set("channels", negotiated_.channels);
  o.Set("bufferFrames", static_cast<double>(negotiated_.buffer_frames));
  o.Set("periodFrames", static_cast<double>(negotiated_.period_frames));
  o.Set("canPause", negotiated_.can_pause);
  o.Set("bitPerfect", negotiated_.bit_perfect);
  o.Set("mixerRate", negotiated_.mixer_rate);
  o.Set("detail", negotiated_.detail);
  o.Set("strategy", negotiated_.strategy);
  o.Set("fallbackReason", negotiated_.fallback_reason);
  return o;
}

}  // namespace auris
