// WASAPI backend (Windows): endpoint enumeration, exclusive-mode capability probing,
// exclusive event-driven / exclusive push / shared streams, endpoint hardware volume.
// Thread rules (backend.h): the JS thread never calls COM itself; device-level calls, Open and
// Close run on the COM worker (wasapi_com.h), Run on the stream's device thread, which joins the
// MTA and MMCSS "Pro Audio". Facts and constants: shared/specs/output-backends.md, sections 1, 6.2.
#include <windows.h>
#include <objbase.h>
#include <mmdeviceapi.h>
#include <audioclient.h>
#include <endpointvolume.h>
#include <avrt.h>
#include <mmreg.h>
#include <propidl.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "wasapi/wasapi_com.h"

namespace auris::wasapi {
namespace {

// GUIDs spelled out so that no translation unit needs initguid.h.
const GUID kSubtypePcm = {0x00000001, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};
const GUID kSubtypeFloat = {0x00000003, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};
const PROPERTYKEY kFriendlyName = {{0xa45c254e, 0xdf1c, 0x4efd, {0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0}}, 14};

constexpr DWORD kHardwareSupportVolume = 0x00000001;  // ENDPOINT_HARDWARE_SUPPORT_VOLUME
constexpr DWORD kEventTimeoutMs = 2000;               // no buffer event this long: the device hung
constexpr REFERENCE_TIME kSharedBuffer = 500000;      // 50 ms shared-mode buffer (100-ns units)

const uint32_t kProbeRates[] = {44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ---- formats ----

/** A PCM layout in WAVEFORMATEXTENSIBLE terms. */
struct PcmLayout {
  const char* container;  // Auris/ALSA name of the byte layout
  WORD container_bits;
  WORD valid_bits;
  bool is_float;
};

// The containers exclusive mode is probed with (spec 1.2): 16/16, 24/24, 24-in-32, 32/32, float32.
// 24-in-32 is WASAPI's MSB-justified layout, i.e. S32_LE with 24 valid bits (a zero low byte).
const PcmLayout kLayouts[] = {
    {"S16_LE", 16, 16, false}, {"S24_3LE", 24, 24, false}, {"S32_LE", 32, 24, false},
    {"S32_LE", 32, 32, false}, {"FLOAT_LE", 32, 32, true},
};

/** The layout of an open request, or null (S24_LE, ALSA's LSB-justified 24-in-32, has no WASAPI form). */
const PcmLayout* LayoutFor(const std::string& container, uint32_t valid_bits) {
  for (const PcmLayout& l : kLayouts) {
    if (container == l.container && (valid_bits == 0 ? l.valid_bits == l.container_bits : valid_bits == l.valid_bits)) return &l;
  }
  return nullptr;
}

DWORD ChannelMask(uint32_t channels) {
  switch (channels) {
    case 1: return SPEAKER_FRONT_CENTER;
    case 2: return SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT;
    case 4: return SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT | SPEAKER_BACK_LEFT | SPEAKER_BACK_RIGHT;
    case 6:
      return SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT | SPEAKER_FRONT_CENTER | SPEAKER_LOW_FREQUENCY | SPEAKER_BACK_LEFT |
             SPEAKER_BACK_RIGHT;
    case 8:
      return SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT | SPEAKER_FRONT_CENTER | SPEAKER_LOW_FREQUENCY | SPEAKER_BACK_LEFT |
             SPEAKER_BACK_RIGHT | SPEAKER_SIDE_LEFT | SPEAKER_SIDE_RIGHT;
    default: return channels >= 18 ? 0x3FFFF : (DWORD(1) << channels) - 1;  // the first N speaker positions
  }
}

/** WAVEFORMATEXTENSIBLE with consistent block align and a non-zero channel mask (spec 1.2). */
WAVEFORMATEXTENSIBLE MakeWaveFormat(const PcmLayout& l, uint32_t rate, uint32_t channels) {
  WAVEFORMATEXTENSIBLE w;
  std::memset(&w, 0, sizeof w);
  w.Format.wFormatTag = WAVE_FORMAT_EXTENSIBLE;
  w.Format.nChannels = static_cast<WORD>(channels);
  w.Format.nSamplesPerSec = rate;
  w.Format.wBitsPerSample = l.container_bits;
  w.Format.nBlockAlign = static_cast<WORD>(channels * l.container_bits / 8);
  w.Format.nAvgBytesPerSec = rate * w.Format.nBlockAlign;
  w.Format.cbSize = sizeof(WAVEFORMATEXTENSIBLE) - sizeof(WAVEFORMATEX);
  w.Samples.wValidBitsPerSample = l.valid_bits;
  w.dwChannelMask = ChannelMask(channels);
  w.SubFormat = l.is_float ? kSubtypeFloat : kSubtypePcm;
  return w;
}

/** A WAVEFORMATEX(TENSIBLE) read back: container name, valid bits, rate, channels. */
struct ReadBack {
  std::string container;
  uint32_t valid_bits = 0, rate = 0, channels = 0;
};

ReadBack ReadWaveFormat(const WAVEFORMATEX* w) {
  ReadBack r;
  r.rate = w->nSamplesPerSec;
  r.channels = w->nChannels;
  r.valid_bits = w->wBitsPerSample;
  bool is_float = w->wFormatTag == WAVE_FORMAT_IEEE_FLOAT;
  if (w->wFormatTag == WAVE_FORMAT_EXTENSIBLE && w->cbSize >= 22) {
    const auto* x = reinterpret_cast<const WAVEFORMATEXTENSIBLE*>(w);
    if (x->Samples.wValidBitsPerSample != 0) r.valid_bits = x->Samples.wValidBitsPerSample;
    is_float = IsEqualGUID(x->SubFormat, kSubtypeFloat) != 0;
  }
  switch (w->wBitsPerSample) {
    case 8: r.container = "U8"; break;
    case 16: r.container = "S16_LE"; break;
    case 24: r.container = "S24_3LE"; break;
    case 32: r.container = is_float ? "FLOAT_LE" : "S32_LE"; break;
    case 64: r.container = is_float ? "FLOAT64_LE" : "?"; break;
    default: r.container = "?";
  }
  return r;
}

// ---- errors ----

ErrorCode CodeFor(HRESULT hr) {
  switch (static_cast<uint32_t>(hr)) {
    case 0x8889000A: return ErrorCode::kDeviceBusy;                            // AUDCLNT_E_DEVICE_IN_USE
    case 0x88890008: return ErrorCode::kFormatRefused;                         // AUDCLNT_E_UNSUPPORTED_FORMAT
    case 0x88890004: case 0x88890010: return ErrorCode::kDeviceLost;           // DEVICE_INVALIDATED, SERVICE_NOT_RUNNING
    case 0x80070490: return ErrorCode::kNotFound;                              // E_NOTFOUND
    default: return ErrorCode::kDevice;
  }
}

Status Fail(HRESULT hr, const std::string& what) {
  std::string msg;
  switch (static_cast<uint32_t>(hr)) {
    case 0x8889000A:
      msg = what + ": the device is in use by another application in exclusive mode (" + HresultText(hr) + ")";
      break;
    case 0x8889000E:
      msg = what + ": exclusive mode is not allowed on this device (Sound control panel, Advanced: \"Allow "
                   "applications to take exclusive control of this device\") (" + HresultText(hr) + ")";
      break;
    case 0x88890008: msg = what + ": the device refuses this format (" + HresultText(hr) + ")"; break;
    default: msg = what + " failed: " + HresultText(hr);
  }
  return Status::Fail(CodeFor(hr), static_cast<long>(hr), msg);
}

// ---- endpoints ----

HRESULT MakeEnumerator(Com<IMMDeviceEnumerator>& en) {
  return CoCreateInstance(__uuidof(MMDeviceEnumerator), nullptr, CLSCTX_ALL, __uuidof(IMMDeviceEnumerator), en.put_void());
}

std::string EndpointId(IMMDevice* dev) {
  LPWSTR id = nullptr;
  if (FAILED(dev->GetId(&id))) return {};
  std::string s = Utf8(id);
  CoTaskMemFree(id);
  return s;
}

std::string FriendlyName(IMMDevice* dev) {
  Com<IPropertyStore> ps;
  if (FAILED(dev->OpenPropertyStore(STGM_READ, ps.put()))) return {};
  PROPVARIANT pv;
  PropVariantInit(&pv);
  std::string name;
  if (SUCCEEDED(ps->GetValue(kFriendlyName, &pv)) && pv.vt == VT_LPWSTR) name = Utf8(pv.pwszVal);
  PropVariantClear(&pv);
  return name;
}

std::string DefaultEndpointId(IMMDeviceEnumerator* en) {
  Com<IMMDevice> dev;
  if (FAILED(en->GetDefaultAudioEndpoint(eRender, eConsole, dev.put()))) return {};
  return EndpointId(dev.get());
}

/** The active render endpoint `id` ("" or "default" = the default endpoint). */
Status FindDevice(IMMDeviceEnumerator* en, const std::string& id, Com<IMMDevice>& dev) {
  const bool by_default = id.empty() || id == "default";
  HRESULT hr = by_default ? en->GetDefaultAudioEndpoint(eRender, eConsole, dev.put()) : en->GetDevice(Wide(id).c_str(), dev.put());
  if (FAILED(hr)) {
    return Status::Fail(ErrorCode::kNotFound, static_cast<long>(hr),
                        by_default ? "no default audio render endpoint (" + HresultText(hr) + ")"
                                   : "no audio endpoint with ID " + id + " (" + HresultText(hr) + ")");
  }
  DWORD state = 0;
  dev->GetState(&state);
  if (state != DEVICE_STATE_ACTIVE) {
    return Status::Fail(ErrorCode::kNotFound, 0, "audio endpoint " + id + " is not active (unplugged or disabled)");
  }
  return Status::Ok();
}

/** Creates the enumerator and finds the active endpoint `id` ("" or "default" = the default one). */
Status OpenEndpoint(const std::string& id, Com<IMMDeviceEnumerator>& en, Com<IMMDevice>& dev) {
  const HRESULT hr = MakeEnumerator(en);
  if (FAILED(hr)) return Fail(hr, "creating the MMDeviceEnumerator");
  return FindDevice(en.get(), id, dev);
}

/** IAudioEndpointVolume when the endpoint has a hardware volume control, else empty. */
void HardwareVolume(IMMDevice* dev, Com<IAudioEndpointVolume>& vol) {
  if (FAILED(dev->Activate(__uuidof(IAudioEndpointVolume), CLSCTX_ALL, nullptr, vol.put_void()))) return;
  DWORD mask = 0;
  if (FAILED(vol->QueryHardwareSupport(&mask)) || (mask & kHardwareSupportVolume) == 0) vol.reset();
}

/** Watches one endpoint; raises `lost` when it is removed or leaves the active state. */
class EndpointWatcher final : public IMMNotificationClient {
 public:
  explicit EndpointWatcher(std::wstring id) : id_(std::move(id)) {}
  bool lost() const { return lost_.load(std::memory_order_acquire); }

  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs_; }  // owned by the stream, never deleted here
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (IsEqualIID(iid, __uuidof(IUnknown)) || IsEqualIID(iid, __uuidof(IMMNotificationClient))) {
      *out = static_cast<IMMNotificationClient*>(this);
      AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  // Called on a system thread: only sets a flag that the device thread reads.
  HRESULT STDMETHODCALLTYPE OnDeviceStateChanged(LPCWSTR id, DWORD state) override {
    if (id != nullptr && id_ == id && (state & DEVICE_STATE_ACTIVE) == 0) lost_.store(true, std::memory_order_release);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE OnDeviceRemoved(LPCWSTR id) override {
    if (id != nullptr && id_ == id) lost_.store(true, std::memory_order_release);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE OnDeviceAdded(LPCWSTR) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE OnDefaultDeviceChanged(EDataFlow, ERole, LPCWSTR) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE OnPropertyValueChanged(LPCWSTR, const PROPERTYKEY) override { return S_OK; }

 private:
  std::wstring id_;
  std::atomic<bool> lost_{false};
  std::atomic<ULONG> refs_{1};
};

// ---- volume ----

class EndpointVolume final : public Volume {
 public:
  EndpointVolume(IAudioEndpointVolume* vol, float min_db, float max_db) : vol_(vol), min_db_(min_db), max_db_(max_db) {}
  ~EndpointVolume() override {
    OnComThread([&] { vol_->Release(); });
  }
  std::string control() const override { return "endpoint"; }
  double min_db() const override { return min_db_; }
  double max_db() const override { return max_db_; }
  Status Get(double* db) override {
    HRESULT hr = S_OK;
    float v = 0;
    OnComThread([&] { hr = vol_->GetMasterVolumeLevel(&v); });
    if (FAILED(hr)) return Fail(hr, "IAudioEndpointVolume::GetMasterVolumeLevel");
    *db = v;
    return Status::Ok();
  }
  Status Set(double db) override {
    HRESULT hr = S_OK;
    OnComThread([&] { hr = vol_->SetMasterVolumeLevel(static_cast<float>(db), nullptr); });
    return FAILED(hr) ? Fail(hr, "IAudioEndpointVolume::SetMasterVolumeLevel") : Status::Ok();
  }

 private:
  IAudioEndpointVolume* vol_;
  float min_db_, max_db_;
};

// ---- stream ----

class WasapiStream final : public Backend {
 public:
  ~WasapiStream() override { Close(); }

  Status Open(const OpenRequest& req, Negotiated* out) override {
    const PcmLayout* layout = LayoutFor(req.container, req.valid_bits);
    if (layout == nullptr) {
      return Status::Fail(ErrorCode::kFormatRefused, 0,
                          "WASAPI has no container " + req.container + " with " + std::to_string(req.valid_bits) +
                              " valid bits (24-in-32 is S32_LE with 24 valid bits)");
    }
    if (req.strategy != "" && req.strategy != "event" && req.strategy != "push") {
      return Status::Fail(ErrorCode::kInvalid, 0, "unknown WASAPI strategy " + req.strategy);
    }
    Status s = Status::Ok();
    OnComThread([&] { s = OpenOnComThread(req, *layout, out); });
    if (!s.ok) Close();
    return s;
  }

  void Run(DeviceContext& ctx) override {
    const HRESULT co = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    DWORD task = 0;
    HANDLE mmcss = AvSetMmThreadCharacteristicsW(L"Pro Audio", &task);
    if (mmcss != nullptr) AvSetMmThreadPriority(mmcss, AVRT_PRIORITY_HIGH);
    RunLoop(ctx);
    client_->Stop();
    if (mmcss != nullptr) AvRevertMmThreadCharacteristics(mmcss);
    if (SUCCEEDED(co)) CoUninitialize();
  }

  void Close() override {
    if (!client_ && !enumerator_) return;
    OnComThread([&] {
      if (client_) {
        client_->Stop();
        client_->Reset();
      }
      if (enumerator_ && watcher_) enumerator_->UnregisterEndpointNotificationCallback(watcher_.get());
      render_.reset();
      client_.reset();
      device_.reset();
      enumerator_.reset();
    });
    if (event_ != nullptr) {
      CloseHandle(event_);
      event_ = nullptr;
    }
  }

 private:
  HRESULT Activate() {
    client_.reset();
    return device_->Activate(__uuidof(IAudioClient), CLSCTX_ALL, nullptr, client_.put_void());
  }

  /** Exclusive Initialize, with the BUFFER_SIZE_NOT_ALIGNED retry on a fresh client (spec 1.3). */
  HRESULT InitializeExclusive(WAVEFORMATEXTENSIBLE& wfx, bool event, REFERENCE_TIME period, REFERENCE_TIME buffer) {
    HRESULT hr = Activate();
    if (FAILED(hr)) return hr;
    const DWORD flags = event ? AUDCLNT_STREAMFLAGS_EVENTCALLBACK : 0;
    hr = client_->Initialize(AUDCLNT_SHAREMODE_EXCLUSIVE, flags, buffer, period, &wfx.Format, nullptr);
    if (hr == AUDCLNT_E_BUFFER_SIZE_NOT_ALIGNED) {
      UINT32 frames = 0;
      client_->GetBufferSize(&frames);
      const REFERENCE_TIME aligned = static_cast<REFERENCE_TIME>(10000.0 * 1000 / wfx.Format.nSamplesPerSec * frames + 0.5);
      hr = Activate();  // the refused client cannot be initialized again
      if (FAILED(hr)) return hr;
      period = aligned;
      buffer = event || buffer < aligned ? aligned : buffer;
      hr = client_->Initialize(AUDCLNT_SHAREMODE_EXCLUSIVE, flags, buffer, period, &wfx.Format, nullptr);
    }
    if (SUCCEEDED(hr)) period_ = period;
    return hr;
  }

  Status OpenOnComThread(const OpenRequest& req, const PcmLayout& layout, Negotiated* out) {
    Status s = OpenEndpoint(req.device, enumerator_, device_);
    if (!s.ok) return s;
    HRESULT hr = S_OK;
    const std::string id = EndpointId(device_.get());
    const std::string name = FriendlyName(device_.get());
    watcher_ = std::make_unique<EndpointWatcher>(Wide(id));
    enumerator_->RegisterEndpointNotificationCallback(watcher_.get());

    WAVEFORMATEXTENSIBLE wfx = MakeWaveFormat(layout, req.rate, req.channels);
    hr = Activate();
    if (FAILED(hr)) return Fail(hr, "IMMDevice::Activate(IAudioClient)");
    REFERENCE_TIME def = 0, min = 0;
    hr = client_->GetDevicePeriod(&def, &min);
    if (FAILED(hr)) return Fail(hr, "IAudioClient::GetDevicePeriod");

    std::string strategy, fallback;
    if (req.mode == Mode::kShared) {
      s = OpenShared(wfx, def);
      strategy = "shared";
    } else {
      s = OpenExclusive(req, wfx, def, &strategy, &fallback);
    }
    if (!s.ok) return s;

    UINT32 frames = 0;
    hr = client_->GetBufferSize(&frames);
    if (FAILED(hr)) return Fail(hr, "IAudioClient::GetBufferSize");
    hr = client_->GetService(__uuidof(IAudioRenderClient), render_.put_void());
    if (FAILED(hr)) return Fail(hr, "IAudioClient::GetService(IAudioRenderClient)");
    if (event_ != nullptr) {
      hr = client_->SetEventHandle(event_);
      if (FAILED(hr)) return Fail(hr, "IAudioClient::SetEventHandle");
    }

    const ReadBack got = ReadWaveFormat(&wfx.Format);
    buffer_frames_ = frames;
    frame_bytes_ = wfx.Format.nBlockAlign;
    rate_ = got.rate;
    period_frames_ = static_cast<uint32_t>(period_ * static_cast<int64_t>(rate_) / 10000000);
    if (period_frames_ == 0) period_frames_ = 1;
    out->container = got.container;
    out->valid_bits = got.valid_bits;
    out->rate = got.rate;
    out->channels = got.channels;
    out->buffer_frames = frames;
    out->period_frames = period_frames_;
    out->can_pause = true;
    out->bit_perfect = req.mode == Mode::kExclusive;
    out->mixer_rate = req.mode == Mode::kShared ? mixer_rate_ : 0;
    out->strategy = strategy;
    out->fallback_reason = fallback;
    Com<IAudioEndpointVolume> volume;
    HardwareVolume(device_.get(), volume);
    out->detail = "WASAPI " + std::string(req.mode == Mode::kShared ? "shared (system mixer)" : "exclusive " + strategy) +
                  " on \"" + name + "\", " + got.container + " " + std::to_string(got.valid_bits) + "-bit" +
                  (volume ? "; hardware endpoint volume" : "; no hardware volume (the engine's volume applies)") +
                  (fallback.empty() ? "" : "; " + fallback);
    return Status::Ok();
  }

  Status OpenExclusive(const OpenRequest& req, WAVEFORMATEXTENSIBLE& wfx, REFERENCE_TIME def, std::string* strategy, std::string* fallback) {
    if (req.strategy != "push") {
      HRESULT hr = InitializeExclusive(wfx, true, def, def);
      if (SUCCEEDED(hr)) {
        event_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
        event_driven_ = true;
        *strategy = "event";
        return Status::Ok();
      }
      // A format, permission or device problem is the same in push mode: report it as it is.
      const uint32_t u = static_cast<uint32_t>(hr);
      if (req.strategy == "event" || u == 0x88890008 || u == 0x8889000E || u == 0x88890004 || u == 0x88890010) {
        return Fail(hr, "exclusive event-driven IAudioClient::Initialize");
      }
      *fallback = "event-driven exclusive mode refused by the driver: " + HresultText(hr) + "; using exclusive push mode";
    }
    // Push (timer) mode: the device period, and the buffer asked for (music wants hundreds of ms,
    // so a late wake-up of this thread never starves the device), at least 8 periods (Wine's minimum).
    const REFERENCE_TIME wanted = static_cast<REFERENCE_TIME>(req.buffer_us) * 10;
    HRESULT hr = InitializeExclusive(wfx, false, def, wanted > 8 * def ? wanted : 8 * def);
    if (FAILED(hr)) {
      Status s = Fail(hr, "exclusive push-mode IAudioClient::Initialize");
      if (!fallback->empty()) s.message += " (after " + *fallback + ")";
      return s;
    }
    *strategy = "push";
    return Status::Ok();
  }

  /** Shared mode on the mixer's own format only, so the mixer need not convert; never bit-perfect. */
  Status OpenShared(WAVEFORMATEXTENSIBLE& wfx, REFERENCE_TIME def) {
    WAVEFORMATEX* mix = nullptr;
    HRESULT hr = client_->GetMixFormat(&mix);
    if (FAILED(hr) || mix == nullptr) return Fail(hr, "IAudioClient::GetMixFormat");
    const ReadBack m = ReadWaveFormat(mix);
    CoTaskMemFree(mix);
    const ReadBack want = ReadWaveFormat(&wfx.Format);
    mixer_rate_ = m.rate;
    if (want.container != m.container || want.valid_bits != m.valid_bits || want.rate != m.rate || want.channels != m.channels) {
      return Status::Fail(ErrorCode::kFormatRefused, static_cast<long>(AUDCLNT_E_UNSUPPORTED_FORMAT),
                          "shared mode takes the mix format only: " + m.container + " " + std::to_string(m.valid_bits) + "-bit, " +
                              std::to_string(m.rate) + " Hz, " + std::to_string(m.channels) + " ch");
    }
    WAVEFORMATEX* closest = nullptr;
    hr = client_->IsFormatSupported(AUDCLNT_SHAREMODE_SHARED, &wfx.Format, &closest);
    if (closest != nullptr) CoTaskMemFree(closest);
    if (hr != S_OK) return Fail(hr == S_FALSE ? AUDCLNT_E_UNSUPPORTED_FORMAT : hr, "shared-mode IsFormatSupported");
    hr = client_->Initialize(AUDCLNT_SHAREMODE_SHARED, AUDCLNT_STREAMFLAGS_EVENTCALLBACK, kSharedBuffer, 0, &wfx.Format, nullptr);
    if (FAILED(hr)) return Fail(hr, "shared-mode IAudioClient::Initialize");
    event_ = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    period_ = def;
    return Status::Ok();
  }

  // ---- device thread ----

  /** Moves up to `frames` frames from the ring into one device buffer, zero-padded to `frames`
   *  when `pad`. Returns frames taken from the ring, or -1 after reporting the error. */
  long Fill(DeviceContext& ctx, UINT32 frames, bool pad) {
    SpscRing& ring = ctx.ring();
    const size_t avail = ring.Readable() / frame_bytes_;
    const UINT32 take = avail < frames ? static_cast<UINT32>(avail) : frames;
    const UINT32 total = pad ? frames : take;
    if (total == 0) return 0;
    BYTE* p = nullptr;
    HRESULT hr = render_->GetBuffer(total, &p);
    if (FAILED(hr)) return Report(ctx, hr);
    size_t want = static_cast<size_t>(take) * frame_bytes_;
    BYTE* dst = p;
    while (want > 0) {  // at most two runs: the ring may wrap
      size_t run = 0;
      const uint8_t* src = ring.PeekContiguous(&run);
      if (run > want) run = want;
      std::memcpy(dst, src, run);
      ring.Consume(run);
      dst += run;
      want -= run;
    }
    if (total > take) std::memset(p + static_cast<size_t>(take) * frame_bytes_, 0, static_cast<size_t>(total - take) * frame_bytes_);
    hr = render_->ReleaseBuffer(total, 0);
    if (FAILED(hr)) return Report(ctx, hr);
    return static_cast<long>(take);
  }

  long Report(DeviceContext& ctx, HRESULT hr) {
    if (CodeFor(hr) == ErrorCode::kDeviceLost) {
      ctx.DeviceLost(static_cast<long>(hr));
    } else {
      ctx.Failed(static_cast<long>(hr));
    }
    return -1;
  }

  /** Stops after everything queued was played, ready to start again on new data. */
  bool FinishDrain(DeviceContext& ctx) {
    HRESULT hr = client_->Stop();
    if (SUCCEEDED(hr)) hr = client_->Reset();
    if (FAILED(hr)) return Report(ctx, hr) == 0;
    ctx.Drained();
    ctx.PublishDelay(0, false, NowNs());
    return true;
  }

  void RunLoop(DeviceContext& ctx) {
    SpscRing& ring = ctx.ring();
    const size_t buffer_bytes = static_cast<size_t>(buffer_frames_) * frame_bytes_;
    // Start once half the ring is queued (a slow start then cannot starve the device), or at least
    // one device buffer when the producer has stopped adding for a moment, or on drain.
    const size_t preroll_bytes = ring.capacity() / 2 > buffer_bytes ? ring.capacity() / 2 : buffer_bytes;
    size_t last_queued = 0;
    ULONGLONG last_growth_ms = GetTickCount64();
    const DWORD push_wait_ms = period_ / 20000 > 0 ? static_cast<DWORD>(period_ / 20000) : 1;  // half a period
    bool started = false, paused = false, starving = false;
    int silent_events = 0;
    while (!ctx.stop_requested()) {
      if (watcher_->lost()) {
        ctx.DeviceLost(static_cast<long>(AUDCLNT_E_DEVICE_INVALIDATED));
        return;
      }
      if (ctx.pause_requested() != paused) {
        paused = !paused;
        if (started) {
          const HRESULT hr = paused ? client_->Stop() : client_->Start();
          if (FAILED(hr)) {
            Report(ctx, hr);
            return;
          }
        }
      }
      if (paused) {
        Sleep(10);
        continue;
      }
      if (!started) {
        // Pre-roll (see preroll_bytes); the first device buffer is filled before Start.
        const size_t queued = ring.Readable();
        if (queued == 0 && ctx.drain_requested()) {
          ctx.Drained();
          continue;
        }
        const ULONGLONG now_ms = GetTickCount64();
        if (queued != last_queued) {
          last_queued = queued;
          last_growth_ms = now_ms;
        }
        const bool stalled = queued >= buffer_bytes && now_ms - last_growth_ms >= 50;
        if (queued < preroll_bytes && !stalled && !ctx.drain_requested()) {
          Sleep(2);
          continue;
        }
        if (Fill(ctx, buffer_frames_, event_driven_) < 0) return;
        const HRESULT hr = client_->Start();
        if (FAILED(hr)) {
          Report(ctx, hr);
          return;
        }
        started = true;
        silent_events = 0;
        starving = false;
        ctx.PublishDelay(buffer_frames_, true, NowNs());
        continue;
      }
      if (event_ != nullptr) {
        if (WaitForSingleObject(event_, kEventTimeoutMs) != WAIT_OBJECT_0) {
          ctx.DeviceLost(static_cast<long>(AUDCLNT_E_DEVICE_INVALIDATED));  // no buffer event for 2 s: hung or gone
          return;
        }
      } else {
        Sleep(push_wait_ms);
      }
      const bool draining = ctx.drain_requested();
      if (event_driven_) {
        // Each event asks for one whole buffer; a short ring is padded with silence.
        if (draining && ring.Readable() == 0 && ++silent_events > 1) {
          if (!FinishDrain(ctx)) return;
          started = false;
          continue;
        }
        const long got = Fill(ctx, buffer_frames_, true);
        if (got < 0) return;
        NoteStarving(ctx, static_cast<UINT32>(got) < buffer_frames_ && !draining, &starving);
        ctx.PublishDelay(buffer_frames_, true, NowNs());
        continue;
      }
      UINT32 padding = 0;
      HRESULT hr = client_->GetCurrentPadding(&padding);
      if (FAILED(hr)) {
        Report(ctx, hr);
        return;
      }
      if (draining && ring.Readable() == 0) {
        ctx.PublishDelay(padding, true, NowNs());
        if (padding == 0) {
          if (!FinishDrain(ctx)) return;
          started = false;
        }
        continue;
      }
      const long got = Fill(ctx, buffer_frames_ - padding, false);
      if (got < 0) return;
      if (got == 0 && !draining && padding < period_frames_) {
        // Underrun: keep the device fed with one period of silence rather than let it starve.
        const UINT32 room = buffer_frames_ - padding;
        const UINT32 silence = period_frames_ < room ? period_frames_ : room;
        BYTE* p = nullptr;
        if (silence > 0 && SUCCEEDED(hr = render_->GetBuffer(silence, &p))) hr = render_->ReleaseBuffer(silence, AUDCLNT_BUFFERFLAGS_SILENT);
        if (FAILED(hr)) {
          Report(ctx, hr);
          return;
        }
        NoteStarving(ctx, true, &starving);
      } else if (got > 0) {
        starving = false;
      }
      ctx.PublishDelay(padding + static_cast<UINT32>(got), true, NowNs());
    }
  }

  /** Reports one underrun per starvation episode, not one per period. */
  static void NoteStarving(DeviceContext& ctx, bool now, bool* starving) {
    if (now && !*starving) ctx.Underrun();
    *starving = now;
  }

  Com<IMMDeviceEnumerator> enumerator_;
  Com<IMMDevice> device_;
  Com<IAudioClient> client_;
  Com<IAudioRenderClient> render_;
  std::unique_ptr<EndpointWatcher> watcher_;
  HANDLE event_ = nullptr;
  bool event_driven_ = false;
  REFERENCE_TIME period_ = 0;
  UINT32 buffer_frames_ = 0;
  uint32_t period_frames_ = 1;
  uint32_t rate_ = 0;
  uint32_t mixer_rate_ = 0;
  size_t frame_bytes_ = 1;
};

// ---- module ----

class WasapiModuleImpl final : public BackendModule {
 public:
  const char* name() const override { return "wasapi"; }

  bool Available(std::string* why) override {
    HRESULT hr = S_OK;
    OnComThread([&] {
      Com<IMMDeviceEnumerator> en;
      hr = MakeEnumerator(en);
    });
    if (FAILED(hr)) *why = "the Windows audio service is not available: " + HresultText(hr);
    return SUCCEEDED(hr);
  }

  Status ListDevices(std::vector<DeviceInfo>* out) override {
    Status s = Status::Ok();
    OnComThread([&] {
      Com<IMMDeviceEnumerator> en;
      HRESULT hr = MakeEnumerator(en);
      if (FAILED(hr)) {
        s = Fail(hr, "creating the MMDeviceEnumerator");
        return;
      }
      Com<IMMDeviceCollection> col;
      hr = en->EnumAudioEndpoints(eRender, DEVICE_STATE_ACTIVE, col.put());
      if (FAILED(hr)) {
        s = Fail(hr, "IMMDeviceEnumerator::EnumAudioEndpoints");
        return;
      }
      const std::string def = DefaultEndpointId(en.get());
      UINT n = 0;
      col->GetCount(&n);
      for (UINT i = 0; i < n; i++) {
        Com<IMMDevice> dev;
        if (FAILED(col->Item(i, dev.put()))) continue;
        DeviceInfo d;
        d.id = EndpointId(dev.get());
        d.name = FriendlyName(dev.get());
        d.description = "WASAPI render endpoint";
        d.is_default = !def.empty() && d.id == def;
        d.exclusive = true;
        d.shared = false;
        out->push_back(d);
      }
    });
    return s;
  }

  Status Probe(const std::string& device, Mode mode, Capabilities* out) override {
    Status s = Status::Ok();
    OnComThread([&] { s = ProbeOnComThread(device, mode, out); });
    return s;
  }

  Status OpenVolume(const std::string& device, const std::string& control, std::unique_ptr<Volume>* out) override {
    Status s = Status::Ok();
    OnComThread([&] {
      Com<IMMDeviceEnumerator> en;
      Com<IMMDevice> dev;
      s = OpenEndpoint(device, en, dev);
      if (!s.ok) return;
      Com<IAudioEndpointVolume> vol;
      HardwareVolume(dev.get(), vol);
      if (!vol) return;  // no hardware volume: exclusive mode would ignore a software endpoint volume
      float min_db = 0, max_db = 0, step = 0;
      vol->GetVolumeRange(&min_db, &max_db, &step);
      IAudioEndpointVolume* raw = vol.get();
      raw->AddRef();
      out->reset(new EndpointVolume(raw, min_db, max_db));
    });
    (void)control;
    return s;
  }

  std::unique_ptr<Backend> NewStream() override { return std::make_unique<WasapiStream>(); }

 private:
  static Status ProbeOnComThread(const std::string& device, Mode mode, Capabilities* out) {
    Com<IMMDeviceEnumerator> en;
    Com<IMMDevice> dev;
    Status s = OpenEndpoint(device, en, dev);
    if (!s.ok) return s;
    Com<IAudioClient> client;
    HRESULT hr = dev->Activate(__uuidof(IAudioClient), CLSCTX_ALL, nullptr, client.put_void());
    if (FAILED(hr)) return Fail(hr, "IMMDevice::Activate(IAudioClient)");
    WAVEFORMATEX* mix = nullptr;
    hr = client->GetMixFormat(&mix);
    if (FAILED(hr) || mix == nullptr) return Fail(hr, "IAudioClient::GetMixFormat");
    const ReadBack m = ReadWaveFormat(mix);
    CoTaskMemFree(mix);
    if (mode == Mode::kShared) {
      // Shared mode takes the mixer's format only (no silent conversion is asked for).
      FormatCaps f;
      f.container = m.container;
      f.valid_bits = m.valid_bits;
      f.rates = {m.rate};
      f.channels_min = f.channels_max = m.channels;
      out->formats.push_back(f);
      out->rate_min = out->rate_max = m.rate;
      return Status::Ok();
    }
    std::vector<uint32_t> channel_counts = {2};
    if (m.channels != 2) channel_counts.push_back(m.channels);
    for (const PcmLayout& l : kLayouts) {
      FormatCaps f;
      f.container = l.container;
      f.valid_bits = l.valid_bits;
      for (uint32_t ch : channel_counts) {
        for (uint32_t rate : kProbeRates) {
          WAVEFORMATEXTENSIBLE wfx = MakeWaveFormat(l, rate, ch);
          hr = client->IsFormatSupported(AUDCLNT_SHAREMODE_EXCLUSIVE, &wfx.Format, nullptr);  // ppClosest must be NULL
          const uint32_t u = static_cast<uint32_t>(hr);
          if (u == 0x8889000E || u == 0x8889000A) return Fail(hr, "exclusive-mode IsFormatSupported");  // not allowed, or held
          if (hr != S_OK) continue;
          if (f.channels_min == 0 || ch < f.channels_min) f.channels_min = ch;
          if (ch > f.channels_max) f.channels_max = ch;
          bool seen = false;
          for (uint32_t r : f.rates) seen = seen || r == rate;
          if (!seen) f.rates.push_back(rate);
          if (out->rate_min == 0 || rate < out->rate_min) out->rate_min = rate;
          if (rate > out->rate_max) out->rate_max = rate;
        }
      }
      if (!f.rates.empty()) out->formats.push_back(f);
    }
    return Status::Ok();
  }
};

}  // namespace
}  // namespace auris::wasapi

namespace auris {
BackendModule* WasapiModule() {
  static wasapi::WasapiModuleImpl module;
  return &module;
}
}  // namespace auris
