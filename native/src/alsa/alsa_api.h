// libasound loaded at run time with dlopen("libasound.so.2"): Auris installs and runs without the
// ALSA development package, and without libasound at all the ALSA backend reports itself
// unavailable. The few types and constants used are declared here with the values of
// <alsa/asoundlib.h> (alsa-lib's stable ABI); test/native/alsa-abi.test.ts checks them against
// the real headers where those are installed.
#pragma once

#include <cstddef>
#include <string>

namespace auris::alsa {

struct snd_pcm_t;
struct snd_pcm_hw_params_t;
struct snd_pcm_sw_params_t;
struct snd_pcm_status_t;
struct snd_pcm_info_t;
struct snd_ctl_t;
struct snd_ctl_card_info_t;
struct snd_mixer_t;
struct snd_mixer_elem_t;
struct snd_mixer_selem_regopt;
struct snd_mixer_class_t;
typedef unsigned long snd_pcm_uframes_t;
typedef long snd_pcm_sframes_t;

constexpr int kStreamPlayback = 0;         // SND_PCM_STREAM_PLAYBACK
constexpr int kNonBlock = 0x00000001;      // SND_PCM_NONBLOCK
constexpr int kNoAutoResample = 0x00010000;  // SND_PCM_NO_AUTO_RESAMPLE
constexpr int kNoAutoChannels = 0x00020000;  // SND_PCM_NO_AUTO_CHANNELS
constexpr int kNoAutoFormat = 0x00040000;    // SND_PCM_NO_AUTO_FORMAT
constexpr int kAccessRwInterleaved = 3;    // SND_PCM_ACCESS_RW_INTERLEAVED
constexpr int kMixerChannelFrontLeft = 0;  // SND_MIXER_SCHN_FRONT_LEFT
constexpr long kTlvDbGainMute = -9999999;  // SND_CTL_TLV_DB_GAIN_MUTE: the dB a mute step reports

// snd_pcm_state_t
enum PcmState { kOpen = 0, kSetup = 1, kPrepared = 2, kRunning = 3, kXrun = 4, kDraining = 5, kPaused = 6, kSuspended = 7, kDisconnected = 8 };

// snd_pcm_type_t values Auris looks at.
enum PcmType { kTypeHw = 0, kTypeHooks = 1, kTypeMulti = 2, kTypeFile = 3, kTypeNull = 4, kTypeShm = 5, kTypeInet = 6,
               kTypeCopy = 7, kTypeLinear = 8, kTypeAlaw = 9, kTypeMulaw = 10, kTypeAdpcm = 11, kTypeRate = 12,
               kTypeRoute = 13, kTypePlug = 14, kTypeShare = 15, kTypeMeter = 16, kTypeMix = 17, kTypeDroute = 18,
               kTypeLbserver = 19, kTypeLinearFloat = 20, kTypeLadspa = 21, kTypeDmix = 22, kTypeJack = 23,
               kTypeDsnoop = 24, kTypeDshare = 25, kTypeIec958 = 26, kTypeSoftvol = 27, kTypeIoplug = 28,
               kTypeExtplug = 29, kTypeMmapEmul = 30 };

// A container name ("S24_3LE") and its snd_pcm_format_t value and bytes per sample.
struct FormatEntry {
  const char* name;
  int value;
  unsigned bytes;
};
// Every format Auris probes, in the order capabilities list them.
extern const FormatEntry kFormats[];
extern const size_t kFormatCount;
const FormatEntry* FindFormat(const std::string& name);
const FormatEntry* FindFormat(int value);

// Function table filled by Load().
struct Api {
  int (*pcm_open)(snd_pcm_t**, const char*, int, int);
  int (*pcm_close)(snd_pcm_t*);
  int (*pcm_nonblock)(snd_pcm_t*, int);
  size_t (*pcm_hw_params_sizeof)();
  int (*pcm_hw_params_any)(snd_pcm_t*, snd_pcm_hw_params_t*);
  int (*pcm_hw_params_set_rate_resample)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned);
  int (*pcm_hw_params_set_access)(snd_pcm_t*, snd_pcm_hw_params_t*, int);
  int (*pcm_hw_params_test_format)(snd_pcm_t*, snd_pcm_hw_params_t*, int);
  int (*pcm_hw_params_set_format)(snd_pcm_t*, snd_pcm_hw_params_t*, int);
  int (*pcm_hw_params_test_channels)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned);
  int (*pcm_hw_params_set_channels)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned);
  int (*pcm_hw_params_get_channels_min)(const snd_pcm_hw_params_t*, unsigned*);
  int (*pcm_hw_params_get_channels_max)(const snd_pcm_hw_params_t*, unsigned*);
  int (*pcm_hw_params_test_rate)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned, int);
  int (*pcm_hw_params_set_rate)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned, int);
  int (*pcm_hw_params_get_rate_min)(const snd_pcm_hw_params_t*, unsigned*, int*);
  int (*pcm_hw_params_get_rate_max)(const snd_pcm_hw_params_t*, unsigned*, int*);
  int (*pcm_hw_params_set_buffer_time_near)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned*, int*);
  int (*pcm_hw_params_set_period_time_near)(snd_pcm_t*, snd_pcm_hw_params_t*, unsigned*, int*);
  int (*pcm_hw_params)(snd_pcm_t*, snd_pcm_hw_params_t*);
  int (*pcm_hw_params_current)(snd_pcm_t*, snd_pcm_hw_params_t*);
  int (*pcm_hw_params_get_format)(const snd_pcm_hw_params_t*, int*);
  int (*pcm_hw_params_get_rate)(const snd_pcm_hw_params_t*, unsigned*, int*);
  int (*pcm_hw_params_get_channels)(const snd_pcm_hw_params_t*, unsigned*);
  int (*pcm_hw_params_get_buffer_size)(const snd_pcm_hw_params_t*, snd_pcm_uframes_t*);
  int (*pcm_hw_params_get_period_size)(const snd_pcm_hw_params_t*, snd_pcm_uframes_t*, int*);
  int (*pcm_hw_params_can_pause)(const snd_pcm_hw_params_t*);
  size_t (*pcm_sw_params_sizeof)();
  int (*pcm_sw_params_current)(snd_pcm_t*, snd_pcm_sw_params_t*);
  int (*pcm_sw_params_set_start_threshold)(snd_pcm_t*, snd_pcm_sw_params_t*, snd_pcm_uframes_t);
  int (*pcm_sw_params_set_avail_min)(snd_pcm_t*, snd_pcm_sw_params_t*, snd_pcm_uframes_t);
  int (*pcm_sw_params)(snd_pcm_t*, snd_pcm_sw_params_t*);
  snd_pcm_sframes_t (*pcm_writei)(snd_pcm_t*, const void*, snd_pcm_uframes_t);
  int (*pcm_prepare)(snd_pcm_t*);
  int (*pcm_start)(snd_pcm_t*);
  int (*pcm_drain)(snd_pcm_t*);
  int (*pcm_drop)(snd_pcm_t*);
  int (*pcm_pause)(snd_pcm_t*, int);
  int (*pcm_resume)(snd_pcm_t*);
  int (*pcm_state)(snd_pcm_t*);
  int (*pcm_delay)(snd_pcm_t*, snd_pcm_sframes_t*);
  snd_pcm_sframes_t (*pcm_avail_update)(snd_pcm_t*);
  int (*pcm_wait)(snd_pcm_t*, int);
  size_t (*pcm_status_sizeof)();
  int (*pcm_status)(snd_pcm_t*, snd_pcm_status_t*);
  snd_pcm_uframes_t (*pcm_status_get_avail)(const snd_pcm_status_t*);
  int (*pcm_type)(snd_pcm_t*);
  const char* (*pcm_type_name)(int);
  const char* (*pcm_name)(snd_pcm_t*);
  const char* (*strerror)(int);
  int (*lib_error_set_handler)(void (*)(const char*, int, const char*, int, const char*, ...));
  int (*card_next)(int*);
  int (*ctl_open)(snd_ctl_t**, const char*, int);
  int (*ctl_close)(snd_ctl_t*);
  size_t (*ctl_card_info_sizeof)();
  int (*ctl_card_info)(snd_ctl_t*, snd_ctl_card_info_t*);
  const char* (*ctl_card_info_get_id)(const snd_ctl_card_info_t*);
  const char* (*ctl_card_info_get_name)(const snd_ctl_card_info_t*);
  const char* (*ctl_card_info_get_longname)(const snd_ctl_card_info_t*);
  int (*ctl_pcm_next_device)(snd_ctl_t*, int*);
  int (*ctl_pcm_info)(snd_ctl_t*, snd_pcm_info_t*);
  size_t (*pcm_info_sizeof)();
  void (*pcm_info_set_device)(snd_pcm_info_t*, unsigned);
  void (*pcm_info_set_subdevice)(snd_pcm_info_t*, unsigned);
  void (*pcm_info_set_stream)(snd_pcm_info_t*, int);
  const char* (*pcm_info_get_id)(const snd_pcm_info_t*);
  const char* (*pcm_info_get_name)(const snd_pcm_info_t*);
  int (*device_name_hint)(int, const char*, void***);
  char* (*device_name_get_hint)(const void*, const char*);
  int (*device_name_free_hint)(void**);
  int (*mixer_open)(snd_mixer_t**, int);
  int (*mixer_close)(snd_mixer_t*);
  int (*mixer_attach)(snd_mixer_t*, const char*);
  int (*mixer_selem_register)(snd_mixer_t*, snd_mixer_selem_regopt*, snd_mixer_class_t**);
  int (*mixer_load)(snd_mixer_t*);
  int (*mixer_handle_events)(snd_mixer_t*);
  snd_mixer_elem_t* (*mixer_first_elem)(snd_mixer_t*);
  snd_mixer_elem_t* (*mixer_elem_next)(snd_mixer_elem_t*);
  const char* (*mixer_selem_get_name)(snd_mixer_elem_t*);
  unsigned (*mixer_selem_get_index)(snd_mixer_elem_t*);
  int (*mixer_selem_has_playback_volume)(snd_mixer_elem_t*);
  int (*mixer_selem_get_playback_dB_range)(snd_mixer_elem_t*, long*, long*);
  int (*mixer_selem_get_playback_volume_range)(snd_mixer_elem_t*, long*, long*);
  int (*mixer_selem_ask_playback_vol_dB)(snd_mixer_elem_t*, long, long*);
  int (*mixer_selem_get_playback_dB)(snd_mixer_elem_t*, int, long*);
  int (*mixer_selem_set_playback_dB_all)(snd_mixer_elem_t*, long, int);
};

// Loads libasound once; returns null (and *why) when it is missing or lacks a symbol.
const Api* Load(std::string* why);

}  // namespace auris::alsa
