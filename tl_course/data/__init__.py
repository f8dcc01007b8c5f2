"""Data: real offline datasets, rendered printed characters, few-shot sampling and leak-free splits.

Everything here works offline. Images are float tensors in [0, 1], shaped (N, C, H, W); labels are int64 (N,).
Full-scale downloads go through `tl_course.download`. The code lives in seven modules, all re-exported here:
`datasets` (containers and loaders), `folder` (a folder of photos: `read_image`, `load_image_folder`,
`split_files`, `survey`, `write_photo_folder`), `sample` (the capstone's sample folder and unseen photos),
`render` (printed characters), `splits` (few-shot sampling, splits), `transforms` (resize, augmentation, label
corruption) and `text` (labelled sentences: `TextData`, `load_sentiment`, `load_topics`).
"""

from .datasets import (CIFAR10_CLASSES, DIGIT_CHARS, LETTER_CHARS, TEXTURE_IMAGES, DomainPair, ImageData,
                       UnlabelledView, _read_idx, load_cifar10, load_digits, load_faces, load_flowers102, load_mnist,
                       load_picture, load_svhn, load_texture_patches, printed_to_handwritten,
                       svhn_to_mnist, write_flowers102_folder)
from .folder import (IMAGE_SUFFIXES, image_files, load_files, load_image_folder, read_image, split_files, survey,
                     write_photo_folder)
from .sample import SAMPLE_COUNTS, UNSEEN_PREFIX, unseen_opened, write_sample_folder, write_unseen_photos
from .render import available_fonts, render_characters
from .splits import few_shot_indices, few_shot_split, split_indices
from .text import SENTIMENT_CLASSES, SENTIMENT_SOURCES, TOPIC_CLASSES, TextData, load_sentiment, load_topics
from .transforms import corrupt_labels, random_flip_shift, resize

__all__ = [
    "CIFAR10_CLASSES", "DIGIT_CHARS", "IMAGE_SUFFIXES", "LETTER_CHARS", "SENTIMENT_CLASSES", "SENTIMENT_SOURCES",
    "TEXTURE_IMAGES", "TOPIC_CLASSES", "DomainPair", "ImageData", "TextData", "UnlabelledView", "available_fonts", "corrupt_labels",
    "few_shot_indices", "few_shot_split", "image_files", "load_cifar10", "load_digits", "load_faces",
    "load_flowers102", "load_image_folder", "load_mnist", "load_picture", "load_sentiment", "load_svhn", "load_topics",
    "load_texture_patches", "printed_to_handwritten", "random_flip_shift", "read_image", "render_characters",
    "resize", "split_indices", "svhn_to_mnist", "write_photo_folder",
    "SAMPLE_COUNTS", "UNSEEN_PREFIX", "load_files", "split_files", "survey", "unseen_opened",
    "write_flowers102_folder", "write_sample_folder", "write_unseen_photos",
]
