"""Tests of udkast."""
