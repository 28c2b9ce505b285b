// Module entry: the functions native/index.ts wraps. JS validates every argument before calling;
// failures throw an Error carrying { code, osError } (see backend.h ErrorCodeName).
#include <napi.h>

#include <vector>

#include "backend.h"
#include "stream.h"

namespace auris {

namespace {

std::vector<BackendModule*> Modules() {
  std::vector<BackendModule*> m;
#ifdef AURIS_HAVE_ALSA
  m.push_back(AlsaModule());
#endif
#ifdef AURIS_HAVE_WASAPI
  m.push_back(WasapiModule());
#endif
  return m;
}

BackendModule* FindModule(Napi::Env env, const Napi::Value& name) {
  const std::string n = name.As<Napi::String>().Utf8Value();
  for (BackendModule* m : Modules()) if (n == m->name()) return m;
  ThrowStatus(env, Status::Fail(ErrorCode::kUnavailable, 0, "backend " + n + " is not built into this addon"));
}

Mode ModeOf(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value() == "shared" ? Mode::kShared : Mode::kExclusive; }

struct AddonData {
  Napi::FunctionReference stream_ctor;
  Napi::FunctionReference volume_ctor;
};

// Hardware volume handle: { control, minDb, maxDb, get(), set(db) }.
class VolumeHandle : public Napi::ObjectWrap<VolumeHandle> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Volume", {InstanceMethod("get", &VolumeHandle::Get), InstanceMethod("set", &VolumeHandle::Set),
                                       InstanceMethod("close", &VolumeHandle::Close)});
  }
  explicit VolumeHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VolumeHandle>(info) {
    volume_.reset(info[0].As<Napi::External<Volume>>().Data());
    Napi::Object self = info.This().As<Napi::Object>();
    self.Set("control", volume_->control());
    self.Set("minDb", volume_->min_db());
    self.Set("maxDb", volume_->max_db());
  }

 private:
  Napi::Value Get(const Napi::CallbackInfo& info) {
    if (!volume_) ThrowStatus(info.Env(), Status::Fail(ErrorCode::kInvalid, 0, "the volume control is closed"));
    double db = 0;
    Status s = volume_->Get(&db);
    if (!s.ok) ThrowStatus(info.Env(), s);
    return Napi::Number::New(info.Env(), db);
  }
  Napi::Value Set(const Napi::CallbackInfo& info) {
    if (!volume_) ThrowStatus(info.Env(), Status::Fail(ErrorCode::kInvalid, 0, "the volume control is closed"));
    Status s = volume_->Set(info[0].As<Napi::Number>().DoubleValue());
    if (!s.ok) ThrowStatus(info.Env(), s);
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    volume_.reset();
    return info.Env().Undefined();
  }
  std::unique_ptr<Volume> volume_;
};

// backends() -> [{ name, available, reason }]
Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (BackendModule* m : Modules()) {
    std::string why;
    const bool ok = m->Available(&why);
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", m->name());
    o.Set("available", ok);
    o.Set("reason", ok ? std::string() : why);
    out.Set(i++, o);
  }
  return out;
}

// listDevices(backend) -> [{ id, name, description, isDefault, exclusive, shared }]
Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BackendModule* m = FindModule(env, info[0]);
  std::vector<DeviceInfo> devices;
  Status s = m->ListDevices(&devices);
  if (!s.ok) ThrowStatus(env, s);
  Napi::Array out = Napi::Array::New(env, devices.size());
  for (size_t i = 0; i < devices.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", devices[i].id);
    o.Set("name", devices[i].name);
    o.Set("description", devices[i].description);
    o.Set("isDefault", devices[i].is_default);
    o.Set("exclusive", devices[i].exclusive);
    o.Set("shared", devices[i].shared);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// probe(backend, device, mode) -> { formats: [{ container, validBits, rates, channelsMin, channelsMax }], rateMin, rateMax, keepsSamples }
Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BackendModule* m = FindModule(env, info[0]);
  Capabilities caps;
  Status s = m->Probe(info[1].As<Napi::String>().Utf8Value(), ModeOf(info[2]), &caps);
  if (!s.ok) ThrowStatus(env, s);
  Napi::Object out = Napi::Object::New(env);
  Napi::Array formats = Napi::Array::New(env, caps.formats.size());
  for (size_t i = 0; i < caps.formats.size(); i++) {
    const FormatCaps& f = caps.formats[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("container", f.container);
    o.Set("validBits", f.valid_bits);
    Napi::Array rates = Napi::Array::New(env, f.rates.size());
    for (size_t j = 0; j < f.rates.size(); j++) rates.Set(static_cast<uint32_t>(j), f.rates[j]);
    o.Set("rates", rates);
    o.Set("channelsMin", f.channels_min);
    o.Set("channelsMax", f.channels_max);
    formats.Set(static_cast<uint32_t>(i), o);
  }
  out.Set("formats", formats);
  out.Set("rateMin", caps.rate_min);
  out.Set("rateMax", caps.rate_max);
  out.Set("keepsSamples", caps.keeps_samples);
  return out;
}

// openVolume(backend, device, control) -> Volume | null
Napi::Value OpenVolume(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BackendModule* m = FindModule(env, info[0]);
  std::unique_ptr<Volume> v;
  Status s = m->OpenVolume(info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value(), &v);
  if (!s.ok) ThrowStatus(env, s);
  if (!v) return env.Null();
  auto* data = env.GetInstanceData<AddonData>();
  return data->volume_ctor.New({Napi::External<Volume>::New(env, v.release())});
}

// openStream(backend, request, onEvent) -> Stream (opened, its device thread running)
Napi::Value OpenStream(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BackendModule* m = FindModule(env, info[0]);
  auto* data = env.GetInstanceData<AddonData>();
  return data->stream_ctor.New({Napi::External<BackendModule>::New(env, m), info[1], info[2]});
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->stream_ctor = Napi::Persistent(Stream::Init(env));
  data->volume_ctor = Napi::Persistent(VolumeHandle::Init(env));
  env.SetInstanceData(data);
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  exports.Set("backends", Napi::Function::New(env, Backends));
  exports.Set("listDevices", Napi::Function::New(env, ListDevices));
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("openVolume", Napi::Function::New(env, OpenVolume));
  exports.Set("openStream", Napi::Function::New(env, OpenStream));
  return exports;
}

}  // namespace

}  // namespace auris

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return auris::Init(env, exports); }

NODE_API_MODULE(auris_native, InitAddon)
