// dlopen of libasound.so.2 and the format table (see alsa_api.h).
#include "alsa/alsa_api.h"

#include <dlfcn.h>

#include <cstdarg>
#include <cstring>
#include <mutex>

namespace auris::alsa {

const FormatEntry kFormats[] = {
    {"S16_LE", 2, 2},      {"S24_3LE", 32, 3},    {"S24_LE", 6, 4},      {"S32_LE", 10, 4},
    {"FLOAT_LE", 14, 4},   {"FLOAT64_LE", 16, 8}, {"S8", 0, 1},          {"DSD_U8", 48, 1},
    {"DSD_U16_LE", 49, 2}, {"DSD_U32_LE", 50, 4}, {"DSD_U16_BE", 51, 2}, {"DSD_U32_BE", 52, 4},
};
const size_t kFormatCount = sizeof(kFormats) / sizeof(kFormats[0]);

const FormatEntry* FindFormat(const std::string& name) {
  for (const auto& f : kFormats) if (name == f.name) return &f;
  return nullptr;
}

const FormatEntry* FindFormat(int value) {
  for (const auto& f : kFormats) if (value == f.value) return &f;
  return nullptr;
}

namespace {

// alsa-lib prints its own errors on stderr; Auris reports them as typed errors instead.
void QuietErrorHandler(const char*, int, const char*, int, const char*, ...) {}

Api g_api;
const Api* g_loaded = nullptr;
std::string g_why;
std::once_flag g_once;

template <typename T>
bool Bind(void* lib, const char* symbol, T* slot, std::string* missing) {
  void* p = dlsym(lib, symbol);
  if (p == nullptr) {
    if (missing->empty()) *missing = symbol;
    return false;
  }
  *slot = reinterpret_cast<T>(p);
  return true;
}

void LoadOnce() {
  void* lib = dlopen("libasound.so.2", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* e = dlerror();
    g_why = std::string("libasound.so.2 is not installed (") + (e ? e : "dlopen failed") + ")";
    return;
  }
  std::string missing;
  bool ok = true;
#define B(field, sym) ok &= Bind(lib, sym, &g_api.field, &missing)
  B(pcm_open, "snd_pcm_open"); B(pcm_close, "snd_pcm_close"); B(pcm_nonblock, "snd_pcm_nonblock");
  B(pcm_hw_params_sizeof, "snd_pcm_hw_params_sizeof"); B(pcm_hw_params_any, "snd_pcm_hw_params_any");
  B(pcm_hw_params_set_rate_resample, "snd_pcm_hw_params_set_rate_resample");
  B(pcm_hw_params_set_access, "snd_pcm_hw_params_set_access");
  B(pcm_hw_params_test_format, "snd_pcm_hw_params_test_format");
  B(pcm_hw_params_set_format, "snd_pcm_hw_params_set_format");
  B(pcm_hw_params_test_channels, "snd_pcm_hw_params_test_channels");
  B(pcm_hw_params_set_channels, "snd_pcm_hw_params_set_channels");
  B(pcm_hw_params_get_channels_min, "snd_pcm_hw_params_get_channels_min");
  B(pcm_hw_params_get_channels_max, "snd_pcm_hw_params_get_channels_max");
  B(pcm_hw_params_test_rate, "snd_pcm_hw_params_test_rate");
  B(pcm_hw_params_set_rate, "snd_pcm_hw_params_set_rate");
  B(pcm_hw_params_get_rate_min, "snd_pcm_hw_params_get_rate_min");
  B(pcm_hw_params_get_rate_max, "snd_pcm_hw_params_get_rate_max");
  B(pcm_hw_params_set_buffer_time_near, "snd_pcm_hw_params_set_buffer_time_near");
  B(pcm_hw_params_set_period_time_near, "snd_pcm_hw_params_set_period_time_near");
  B(pcm_hw_params, "snd_pcm_hw_params"); B(pcm_hw_params_current, "snd_pcm_hw_params_current");
  B(pcm_hw_params_get_format, "snd_pcm_hw_params_get_format");
  B(pcm_hw_params_get_rate, "snd_pcm_hw_params_get_rate");
  B(pcm_hw_params_get_channels, "snd_pcm_hw_params_get_channels");
  B(pcm_hw_params_get_buffer_size, "snd_pcm_hw_params_get_buffer_size");
  B(pcm_hw_params_get_period_size, "snd_pcm_hw_params_get_period_size");
  B(pcm_hw_params_can_pause, "snd_pcm_hw_params_can_pause");
  B(pcm_sw_params_sizeof, "snd_pcm_sw_params_sizeof"); B(pcm_sw_params_current, "snd_pcm_sw_params_current");
  B(pcm_sw_params_set_start_threshold, "snd_pcm_sw_params_set_start_threshold");
  B(pcm_sw_params_set_avail_min, "snd_pcm_sw_params_set_avail_min"); B(pcm_sw_params, "snd_pcm_sw_params");
  B(pcm_writei, "snd_pcm_writei"); B(pcm_prepare, "snd_pcm_prepare"); B(pcm_start, "snd_pcm_start");
  B(pcm_drain, "snd_pcm_drain"); B(pcm_drop, "snd_pcm_drop"); B(pcm_pause, "snd_pcm_pause");
  B(pcm_resume, "snd_pcm_resume"); B(pcm_state, "snd_pcm_state"); B(pcm_delay, "snd_pcm_delay");
  B(pcm_avail_update, "snd_pcm_avail_update"); B(pcm_wait, "snd_pcm_wait");
  B(pcm_status_sizeof, "snd_pcm_status_sizeof"); B(pcm_status, "snd_pcm_status");
  B(pcm_status_get_avail, "snd_pcm_status_get_avail"); B(pcm_type, "snd_pcm_type");
  B(pcm_type_name, "snd_pcm_type_name"); B(pcm_name, "snd_pcm_name"); B(strerror, "snd_strerror");
  B(lib_error_set_handler, "snd_lib_error_set_handler");
  B(card_next, "snd_card_next"); B(ctl_open, "snd_ctl_open"); B(ctl_close, "snd_ctl_close");
  B(ctl_card_info_sizeof, "snd_ctl_card_info_sizeof"); B(ctl_card_info, "snd_ctl_card_info");
  B(ctl_card_info_get_id, "snd_ctl_card_info_get_id"); B(ctl_card_info_get_name, "snd_ctl_card_info_get_name");
  B(ctl_card_info_get_longname, "snd_ctl_card_info_get_longname");
  B(ctl_pcm_next_device, "snd_ctl_pcm_next_device"); B(ctl_pcm_info, "snd_ctl_pcm_info");
  B(pcm_info_sizeof, "snd_pcm_info_sizeof"); B(pcm_info_set_device, "snd_pcm_info_set_device");
  B(pcm_info_set_subdevice, "snd_pcm_info_set_subdevice"); B(pcm_info_set_stream, "snd_pcm_info_set_stream");
  B(pcm_info_get_id, "snd_pcm_info_get_id"); B(pcm_info_get_name, "snd_pcm_info_get_name");
  B(device_name_hint, "snd_device_name_hint"); B(device_name_get_hint, "snd_device_name_get_hint");
  B(device_name_free_hint, "snd_device_name_free_hint");
  B(mixer_open, "snd_mixer_open"); B(mixer_close, "snd_mixer_close"); B(mixer_attach, "snd_mixer_attach");
  B(mixer_selem_register, "snd_mixer_selem_register"); B(mixer_load, "snd_mixer_load");
  B(mixer_handle_events, "snd_mixer_handle_events");
  B(mixer_first_elem, "snd_mixer_first_elem"); B(mixer_elem_next, "snd_mixer_elem_next");
  B(mixer_selem_get_name, "snd_mixer_selem_get_name"); B(mixer_selem_get_index, "snd_mixer_selem_get_index");
  B(mixer_selem_has_playback_volume, "snd_mixer_selem_has_playback_volume");
  B(mixer_selem_get_playback_dB_range, "snd_mixer_selem_get_playback_dB_range");
  B(mixer_selem_get_playback_volume_range, "snd_mixer_selem_get_playback_volume_range");
  B(mixer_selem_ask_playback_vol_dB, "snd_mixer_selem_ask_playback_vol_dB");
  B(mixer_selem_get_playback_dB, "snd_mixer_selem_get_playback_dB");
  B(mixer_selem_set_playback_dB_all, "snd_mixer_selem_set_playback_dB_all");
#undef B
  if (!ok) {
    g_why = "libasound.so.2 lacks " + missing;
    dlclose(lib);
    return;
  }
  g_api.lib_error_set_handler(QuietErrorHandler);
  g_loaded = &g_api;
}

}  // namespace

const Api* Load(std::string* why) {
  std::call_once(g_once, LoadOnce);
  if (g_loaded == nullptr && why != nullptr) *why = g_why;
  return g_loaded;
}

}  // namespace auris::alsa
