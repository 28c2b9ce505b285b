// Checks native/src/alsa/alsa_api.h (hand-declared so the addon builds without libasound2-dev)
// against the real ALSA headers: every constant and format value must match. Built and run by
// test/native/alsa-abi.test.ts; prints "abi ok" or the first mismatch.
#include <alsa/asoundlib.h>

#include <cstdio>
#include <cstring>

#include "alsa/alsa_api.h"

namespace a = auris::alsa;

static_assert(a::kStreamPlayback == SND_PCM_STREAM_PLAYBACK);
static_assert(a::kNonBlock == SND_PCM_NONBLOCK);
static_assert(a::kNoAutoResample == SND_PCM_NO_AUTO_RESAMPLE);
static_assert(a::kNoAutoChannels == SND_PCM_NO_AUTO_CHANNELS);
static_assert(a::kNoAutoFormat == SND_PCM_NO_AUTO_FORMAT);
static_assert(a::kAccessRwInterleaved == SND_PCM_ACCESS_RW_INTERLEAVED);
static_assert(a::kMixerChannelFrontLeft == SND_MIXER_SCHN_FRONT_LEFT);
static_assert(a::kTlvDbGainMute == SND_CTL_TLV_DB_GAIN_MUTE);
static_assert(a::kOpen == SND_PCM_STATE_OPEN && a::kSetup == SND_PCM_STATE_SETUP && a::kPrepared == SND_PCM_STATE_PREPARED);
static_assert(a::kRunning == SND_PCM_STATE_RUNNING && a::kXrun == SND_PCM_STATE_XRUN && a::kDraining == SND_PCM_STATE_DRAINING);
static_assert(a::kPaused == SND_PCM_STATE_PAUSED && a::kSuspended == SND_PCM_STATE_SUSPENDED);
static_assert(a::kDisconnected == SND_PCM_STATE_DISCONNECTED);
static_assert(a::kTypeHw == SND_PCM_TYPE_HW && a::kTypeHooks == SND_PCM_TYPE_HOOKS && a::kTypeFile == SND_PCM_TYPE_FILE);
static_assert(a::kTypeNull == SND_PCM_TYPE_NULL && a::kTypePlug == SND_PCM_TYPE_PLUG && a::kTypeDmix == SND_PCM_TYPE_DMIX);
static_assert(a::kTypeSoftvol == SND_PCM_TYPE_SOFTVOL && a::kTypeIoplug == SND_PCM_TYPE_IOPLUG && a::kTypeExtplug == SND_PCM_TYPE_EXTPLUG);
static_assert(a::kTypeMmapEmul == SND_PCM_TYPE_MMAP_EMUL);
static_assert(sizeof(a::snd_pcm_uframes_t) == sizeof(::snd_pcm_uframes_t) && sizeof(a::snd_pcm_sframes_t) == sizeof(::snd_pcm_sframes_t));

int main() {
  for (size_t i = 0; i < a::kFormatCount; i++) {
    const a::FormatEntry& f = a::kFormats[i];
    const snd_pcm_format_t real = snd_pcm_format_value(f.name);
    if (static_cast<int>(real) != f.value) {
      std::printf("mismatch: %s is %d in alsa_api.cc, %d in ALSA\n", f.name, f.value, static_cast<int>(real));
      return 1;
    }
    if (static_cast<unsigned>(snd_pcm_format_physical_width(real)) != f.bytes * 8) {
      std::printf("mismatch: %s is %u bytes in alsa_api.cc, %d bits in ALSA\n", f.name, f.bytes, snd_pcm_format_physical_width(real));
      return 1;
    }
  }
  std::printf("abi ok\n");
  return 0;
}
