/**
 * The DiceBear styles of the `emoji` data kind and the options each is drawn with. The seed picks
 * every part a style has; the options below only narrow the choice towards plain faces (no hats
 * hiding the hair, no pacifiers or face masks), raise the share of glasses and facial hair so they
 * are common enough to learn, and frame the face: `scale` (percent, around the centre) and
 * `translateY` (percent of the image) make every style a head-and-shoulders shot that fills the
 * square, as the paper's emoji do. Changing anything here changes the cache key (emojiCache.ts).
 */
import type { Options as CoreOptions, Style } from '@dicebear/core';
import * as adventurer from '@dicebear/adventurer';
import * as avataaars from '@dicebear/avataaars';
import * as bigSmile from '@dicebear/big-smile';
import * as funEmoji from '@dicebear/fun-emoji';
import * as micah from '@dicebear/micah';
import * as personas from '@dicebear/personas';
import type { EmojiStyle } from '../../../shared/config';

export interface EmojiStyleDef {
  /** npm package, for its version in the cache key. */
  pkg: string;
  style: Style<object>;
  /** DiceBear options besides the seed and size: plain JSON, so they can be hashed. */
  options: Record<string, unknown>;
}

/** A style's own options plus the framing every style but fun-emoji gets. */
type Framed<O> = O & Required<Pick<CoreOptions, 'scale' | 'translateY'>>;

const avataaarsOptions = {
  style: ['default'],
  // Hair styles only: hats, hijabs and turbans hide the hair, an identity cue.
  top: [
    'bob',
    'bun',
    'curly',
    'curvy',
    'dreads',
    'frida',
    'fro',
    'froBand',
    'longButNotTooLong',
    'miaWallace',
    'shavedSides',
    'straight02',
    'straight01',
    'straightAndStrand',
    'dreads01',
    'dreads02',
    'frizzle',
    'shaggy',
    'shaggyMullet',
    'shortCurly',
    'shortFlat',
    'shortRound',
    'shortWaved',
    'sides',
    'theCaesar',
    'theCaesarAndSidePart',
    'bigHair',
  ],
  topProbability: 95,
  // Everyday expressions; the cartoon extremes (hearts, crosses, vomit) are left out.
  eyes: ['default', 'happy', 'side', 'squint', 'surprised', 'wink'],
  mouth: ['default', 'smile', 'serious', 'twinkle', 'concerned', 'disbelief', 'sad'],
  accessories: ['kurt', 'prescription01', 'prescription02', 'round', 'sunglasses', 'wayfarers'],
  accessoriesProbability: 25,
  facialHairProbability: 25,
  scale: 108,
  translateY: 3,
} satisfies Framed<avataaars.Options>;

const adventurerOptions = {
  glassesProbability: 20,
  featuresProbability: 20,
  earringsProbability: 20,
  hairProbability: 95,
  scale: 115,
  translateY: 6,
} satisfies Framed<adventurer.Options>;

const bigSmileOptions = {
  // Accessories that cover or replace part of the face (masks, crowns, cat ears) are left out.
  accessories: ['glasses', 'sunglasses', 'mustache'],
  accessoriesProbability: 30,
  scale: 110,
  translateY: 4,
} satisfies Framed<bigSmile.Options>;

// A face on a coloured square that already fills the image: no framing.
const funEmojiOptions = {
  mouth: ['plain', 'lilSmile', 'sad', 'shy', 'cute', 'wideSmile', 'shout', 'smileTeeth', 'smileLol', 'pissed', 'tongueOut'],
} satisfies funEmoji.Options;

const personasOptions = {
  // Without sunglasses, whose dark frames otherwise cover the eyes in a third of the faces.
  eyes: ['open', 'sleep', 'wink', 'glasses', 'happy'],
  // No pacifier.
  mouth: ['smile', 'frown', 'surprise', 'bigSmile', 'smirk', 'lips'],
  facialHairProbability: 25,
  scale: 125,
  translateY: -3,
} satisfies Framed<personas.Options>;

const micahOptions = {
  glassesProbability: 25,
  earringsProbability: 20,
  facialHairProbability: 20,
  scale: 105,
  translateY: 0,
} satisfies Framed<micah.Options>;

export const EMOJI_STYLE_DEFS: Record<EmojiStyle, EmojiStyleDef> = {
  avataaars: { pkg: '@dicebear/avataaars', style: avataaars, options: avataaarsOptions },
  adventurer: { pkg: '@dicebear/adventurer', style: adventurer, options: adventurerOptions },
  'big-smile': { pkg: '@dicebear/big-smile', style: bigSmile, options: bigSmileOptions },
  'fun-emoji': { pkg: '@dicebear/fun-emoji', style: funEmoji, options: funEmojiOptions },
  personas: { pkg: '@dicebear/personas', style: personas, options: personasOptions },
  micah: { pkg: '@dicebear/micah', style: micah, options: micahOptions },
};
